"""Which QR decoder reads a CCCD's code best in a kiosk camera frame: OpenCV or zxing-cpp (issue 16).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_qr_decoders.py [--frames 20]

Frames are made by tests/qr_scene.py: the five invented CCCD payloads (Vietnamese UTF-8, version 5-8
symbols, error correction M) at the size the code has in a 640x480 frame, under blur, angle, tilt, low
contrast and noise. A decode counts only if the text is exactly the payload. Printed: decode rate per
condition and the mean milliseconds per frame (all frames, read or not: what the camera loop pays).

Size of the code in the frame: the CCCD's QR is about 1.5 cm wide; a 640x480 webcam sees about 60°
across, i.e. 2·d·tan 30° = 1.15·d wide at distance d. At arm's length (40 cm) the code is 640·1.5/46
≈ 21 px (0.4 px a module: nothing can read it); at 20 cm 42 px, at 12 cm 70 px, at 8 cm 104 px.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2

from core.visitors import cccd
from tests.qr_scene import PAYLOADS, cccd_frame

# (name, scene options): the code held 8-12 cm from the camera, then each nuisance on its own and together
CONDITIONS = (
    ("42 px (20 cm), sharp", dict(width_px=42)),
    ("70 px (12 cm), sharp", dict(width_px=70)),
    ("104 px (8 cm), sharp", dict(width_px=104)),
    ("140 px (6 cm), sharp", dict(width_px=140)),
    ("104 px, blur σ0.7", dict(width_px=104, blur=0.7)),
    ("104 px, blur σ1.0", dict(width_px=104, blur=1.0)),
    ("140 px, blur σ1.0", dict(width_px=140, blur=1.0)),
    ("140 px, blur σ1.5", dict(width_px=140, blur=1.5)),
    ("104 px, turned 30°", dict(width_px=104, angle=30)),
    ("104 px, tilted ~35°", dict(width_px=104, tilt=0.3)),
    ("104 px, contrast 0.4", dict(width_px=104, contrast=0.4)),
    ("104 px, noise σ8", dict(width_px=104, noise=8)),
    ("104 px, all: σ0.7, 20°, tilt 0.2, contrast 0.6, noise 5",
     dict(width_px=104, blur=0.7, angle=20, tilt=0.2, contrast=0.6, noise=5)),
    ("140 px, all: σ1.0, 20°, tilt 0.2, contrast 0.6, noise 5",
     dict(width_px=140, blur=1.0, angle=20, tilt=0.2, contrast=0.6, noise=5)),
)


def decoders() -> dict:
    found = {
        "opencv QRCodeDetector": cccd.decode_opencv,
        "opencv +2x retry (old kiosk)": cccd.decode_opencv_with_upscale,
        "zxing-cpp": cccd.decode_zxing,
        "kept: zxing-cpp +2x retry": cccd.read_qr_from_image,
        "kept, then OpenCV +2x": lambda f: cccd.read_qr_from_image(f) or cccd.decode_opencv_with_upscale(f),
    }
    if hasattr(cv2, "QRCodeDetectorAruco"):
        found["opencv QRCodeDetectorAruco"] = cccd.decode_opencv_aruco
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=20, help="frames per condition (the payloads in turn)")
    args = ap.parse_args(argv)
    names = list(decoders())
    print(f"opencv {cv2.__version__}; {args.frames} frames per condition")
    print("| condition | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    totals = {n: [0, 0.0] for n in names}
    for label, scene in CONDITIONS:
        frames = [(PAYLOADS[i % len(PAYLOADS)], cccd_frame(PAYLOADS[i % len(PAYLOADS)], seed=i, **scene))
                  for i in range(args.frames)]
        cells = []
        for name, decode in decoders().items():
            read, spent = 0, 0.0
            for payload, frame in frames:
                t0 = time.perf_counter()
                text = decode(frame)
                spent += time.perf_counter() - t0
                read += text == payload
            totals[name][0] += read
            totals[name][1] += spent
            cells.append(f"{read}/{len(frames)} · {1000 * spent / len(frames):.1f} ms")
        print(f"| {label} | " + " | ".join(cells) + " |", flush=True)
    n_all = args.frames * len(CONDITIONS)
    print("| **all** | " + " | ".join(f"**{r}/{n_all}** · {1000 * s / n_all:.1f} ms" for r, s in totals.values())
          + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
