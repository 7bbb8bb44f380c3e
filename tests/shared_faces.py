"""Where the shared face photos are (../shared/faces, or KIOSK_FACES_DIR) and who is in them (Qt-free: the
calibration test's spawned workers import it)."""
from __future__ import annotations

import csv
import os
from collections import defaultdict
from pathlib import Path

FACES = Path(os.environ.get("KIOSK_FACES_DIR", Path(__file__).resolve().parents[2] / "shared" / "faces"))


def people() -> dict[str, list[Path]]:
    by_person: dict[str, list[Path]] = defaultdict(list)
    with open(FACES / "manifest.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["source_dataset"] == "lfw":
                by_person[row["identity"]].append(FACES / row["file"])
    return {k: sorted(v) for k, v in sorted(by_person.items())}
