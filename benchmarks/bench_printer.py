"""Render + encode time for 58 and 80 mm tickets, job size, and estimated transfer times.

    .venv/bin/python benchmarks/bench_printer.py [--runs 200]
"""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from printer import Ticket, encode_image, encode_ticket_text, render_ticket  # noqa: E402

LINKS = {   # usable bytes per second
    "USB 2.0 full speed (~1 MB/s bulk)": 1_000_000,
    "network 100 Mbit/s (~10 MB/s)": 10_000_000,
    "serial 115200 baud (8N1)": 115_200 / 10,
    "serial 9600 baud (8N1)": 9_600 / 10,
}


def sample(priority: bool, qr: bool) -> Ticket:
    return Ticket(centre_name="Trung tâm Phục vụ hành chính công phường Bến Nghé, Quận 1", label="A023",
                  field_name="Hộ tịch", procedure_name="Đăng ký khai sinh kết hợp đăng ký thường trú",
                  counters=["1", "3"], waiting_ahead=12, estimated_wait_min=25,
                  issued_at=datetime(2026, 11, 22, 8, 15), priority_reason="Người cao tuổi" if priority else None,
                  qr_payload="https://dichvucong.gov.vn/thu-tuc/1.001193" if qr else None)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    runs = ap.parse_args().runs
    t0 = time.perf_counter()
    encode_image(render_ticket(sample(True, True), 576))        # first call: fonts, python-escpos import
    print(f"first ticket (cold: font load + python-escpos import): {(time.perf_counter() - t0) * 1000:.0f} ms")
    for width, paper in ((384, "58 mm"), (576, "80 mm")):
        for priority, qr in ((False, False), (True, True)):
            ticket = sample(priority, qr)
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                data = encode_image(render_ticket(ticket, width))
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            height = render_ticket(ticket, width).height
            kind = "priority+QR" if qr else "plain"
            print(f"{paper} {kind:11}: render+encode median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms; "
                  f"image {width}x{height} dots, job {len(data)} bytes")
            print("    transfer: " + "; ".join(f"{name}: {len(data) / rate * 1000:.0f} ms"
                                          for name, rate in LINKS.items()))
    # a QR payload never seen before (e.g. one per ticket) pays qrcode's pure-Python mask search
    times = []
    for i in range(min(runs, 50)):
        ticket = dataclasses.replace(sample(True, True), qr_payload=f"https://dichvucong.gov.vn/ve/{i:08d}")
        t = time.perf_counter()
        encode_image(render_ticket(ticket, 576))
        times.append((time.perf_counter() - t) * 1000)
    print(f"80 mm with a new QR payload each time: median {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms")
    text = encode_ticket_text(sample(True, False), 576)
    print(f"ASCII text fallback: {len(text)} bytes; serial 9600 baud: {len(text) / 960 * 1000:.0f} ms, "
          f"115200 baud: {len(text) / 11520 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
