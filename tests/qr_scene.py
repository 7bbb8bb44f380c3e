"""Camera frames of a CCCD's QR code, made here (no card image exists anywhere): the decoder tests and
benchmarks/bench_qr_decoders.py share them.

    frame = cccd_frame(payload, width_px=120, blur=1.0, angle=20, tilt=0.25, contrast=0.6, noise=6, seed=1)

The code is drawn as the card prints it (black modules on the card's light background, a quiet zone of
two modules), scaled so that the whole symbol is ``width_px`` wide in a 640x480 RGB frame, turned by
``angle`` degrees in the image plane and tilted by ``tilt`` (a perspective squeeze of one side: the card
held at an angle, 0.3 ≈ 35°), blurred (Gaussian, ``blur`` = sigma in pixels: focus and motion), its
contrast reduced (``contrast`` 1 = black on white, 0.5 = dark grey on light grey: glare, a dim room),
with sensor noise (``noise`` = sigma in grey levels).
"""
from __future__ import annotations

import cv2
import numpy as np
import qrcode

FRAME_W, FRAME_H = 640, 480

# Invented people, the format of /work/shared/domain/DOMAIN.md (the first is its example).
PAYLOADS = (
    "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Phường Hà Đông, Hà Nội|20052021",
    "079301004567||Trần Thị Bích Ngọc|09072001|Nữ|45/2 Lê Văn Sỹ, Phường Tân Sơn Hòa, TP. Hồ Chí Minh|12042022",
    "031088777001|031456789|Phạm Minh Đức|02011988|Nam|Thôn Đông, Xã An Lư, TP. Hải Phòng|15082021",
    "001204001122||Đỗ Gia Bảo|29022004|Nam|Phường Yên Nghĩa, Hà Nội|10102024",
    "048195000321|201234567|Lê Quang Huy|31121995|Nam|Tổ 3, Phường Hải Châu, TP. Đà Nẵng|01062021",
)


def qr_modules(payload: str) -> np.ndarray:
    """The code's modules (True = dark), UTF-8 bytes in byte mode, error correction M, quiet zone 2."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    return np.array(qr.get_matrix(), dtype=bool)


def cccd_frame(payload: str, width_px: float = 120, blur: float = 0.0, angle: float = 0.0, tilt: float = 0.0,
               contrast: float = 1.0, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    modules = qr_modules(payload)
    n = modules.shape[0]
    # draw large (8 px a module) then let the warp bring it down to width_px: the camera's own resampling
    cell = 8
    card = np.where(np.kron(modules, np.ones((cell, cell), dtype=bool)), 0.0, 1.0).astype(np.float32)
    side = n * cell
    margin = side // 2                                   # the rest of the card around the code
    canvas = np.ones((side + 2 * margin, side + 2 * margin), np.float32)
    canvas[margin:margin + side, margin:margin + side] = card
    src = np.float32([[margin, margin], [margin + side, margin], [margin + side, margin + side],
                      [margin, margin + side]])
    # the symbol's corners in the frame: a square of width_px, one side squeezed by tilt, turned by angle
    half = width_px / 2
    squeeze = 1.0 - tilt
    corners = np.float32([[-half, -half * squeeze], [half, -half], [half, half], [-half, half * squeeze]])
    corners[:, 0] *= 1.0 - tilt / 2                       # a tilted card also looks narrower
    a = np.deg2rad(angle)
    rot = np.float32([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    centre = np.float32([FRAME_W / 2 + rng.uniform(-80, 80), FRAME_H / 2 + rng.uniform(-60, 60)])
    dst = corners @ rot.T + centre
    m = cv2.getPerspectiveTransform(src, dst)
    # the room behind the card: a mid-grey gradient with some texture (not a blank page)
    yy, xx = np.mgrid[0:FRAME_H, 0:FRAME_W].astype(np.float32)
    background = 0.35 + 0.25 * xx / FRAME_W + 0.05 * np.sin(yy / 17.0)
    mask = cv2.warpPerspective(np.ones_like(canvas), m, (FRAME_W, FRAME_H), flags=cv2.INTER_AREA)
    warped = cv2.warpPerspective(canvas, m, (FRAME_W, FRAME_H), flags=cv2.INTER_AREA)
    grey = warped * mask + background * (1 - mask)
    # contrast: the card's dark modules are lighter and its white darker, around the card's mid level
    grey = 0.5 + (grey - 0.5) * contrast
    grey = grey * 255.0
    if blur > 0:
        grey = cv2.GaussianBlur(grey, (0, 0), blur)
    if noise > 0:
        grey = grey + rng.normal(0, noise, grey.shape)
    grey = np.clip(grey, 0, 255).astype(np.uint8)
    rgb = np.stack([grey, grey, grey], axis=-1)
    rgb[..., 0] = np.clip(grey.astype(np.int16) + 6, 0, 255)    # a warm tint, as webcams give
    return rgb
