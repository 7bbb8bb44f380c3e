"""Ticket layout time against the length of an unbroken procedure name (linear since issue 12).

    .venv/bin/python benchmarks/bench_layout.py
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from printer import Ticket, compose_ticket  # noqa: E402


def main() -> None:
    for width in (384, 576):
        for n in (300, 3000, 30000):
            ticket = Ticket(centre_name="Trung tâm", label="A001", field_name="Hộ tịch", procedure_name="Đ" * n,
                            counters=["1"], waiting_ahead=0, estimated_wait_min=0,
                            issued_at=datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc), priority_reason=None)
            t0 = time.perf_counter()
            comp = compose_ticket(ticket, width)
            print(f"width {width}: {n:>6} letters → {len(comp.lines):>4} lines in {time.perf_counter() - t0:.3f} s")


if __name__ == "__main__":
    main()
