"""The CCCD's QR code read from a camera frame by the kept decoder (zxing-cpp; benchmarks/bench_qr_decoders.py
measured it against OpenCV): generated frames at the size a card held near the camera gives, blurred, turned
and tilted, low contrast; the Vietnamese text comes out exactly."""
from __future__ import annotations

import pytest

from core.visitors import cccd
from core.visitors.cccd import parse_cccd, read_qr_from_image
from tests.qr_scene import PAYLOADS, cccd_frame

pytest.importorskip("zxingcpp")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_vietnamese_payload_decodes_to_the_exact_utf8_text(payload):
    frame = cccd_frame(payload, width_px=104, seed=3)
    text = read_qr_from_image(frame)
    assert text == payload                            # every mark, NFC as written: not a Latin-1 guess
    assert parse_cccd(text).full_name == payload.split("|")[2]


def test_a_blurred_turned_tilted_dim_noisy_code_is_read():
    payload = PAYLOADS[0]
    frame = cccd_frame(payload, width_px=104, blur=0.7, angle=20, tilt=0.2, contrast=0.6, noise=5, seed=2)
    assert read_qr_from_image(frame) == payload


def test_the_enlarged_retry_reads_a_blur_the_single_pass_misses():
    """Why the kept reader tries the frame enlarged 2x: a code of ~2 px a module blurred by σ1."""
    payload = PAYLOADS[0]
    frames = [cccd_frame(payload, width_px=104, blur=1.0, seed=s) for s in range(6)]
    single = sum(cccd.decode_zxing(f) == payload for f in frames)
    kept = sum(read_qr_from_image(f) == payload for f in frames)
    assert kept > single and kept >= 4


def test_a_card_too_far_away_gives_none_not_a_wrong_text():
    # ~40 cm from a 640x480 camera a 1.5 cm code is ~20 px: nothing can read it, and nothing is made up
    assert read_qr_from_image(cccd_frame(PAYLOADS[1], width_px=22, seed=1)) is None


def test_a_code_that_is_not_utf8_comes_back_as_the_decoder_read_it():
    assert cccd._utf8(b"caf\xe9", "café") == "café"
    assert cccd._utf8("Đức".encode("utf-8"), "wrong") == "Đức"
