"""The CCCD (citizen ID card) QR payload: parse, validate, keep only what is needed (Qt-free).

Payload (chip CCCD 2021; the 2024 thẻ căn cước may add trailing fields)::

    ID (12 digits)|old CMND (9 or 12 digits, may be empty)|full name|dob ddmmyyyy|Nam/Nữ|residence|issue date ddmmyyyy|...

Only the ID number, the name and the date of birth (and sex, for a polite greeting) leave this module;
the raw payload, the old CMND number and the residence are dropped here. Every malformed payload raises
:class:`CccdError` with a Vietnamese and an English reason and changes nothing.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Union

import numpy as np

from bilingual import LocalizedError

_ID_RE = re.compile(r"[0-9]{12}")
_OLD_ID_RE = re.compile(r"(?:[0-9]{9}|[0-9]{12})?")
_DATE_RE = re.compile(r"[0-9]{8}")
_SEXES = {"nam": "Nam", "nữ": "Nữ"}
MAX_PAYLOAD = 1000     # a real payload is ~150 characters; anything much longer is not a CCCD


class CccdError(LocalizedError, ValueError):
    """A payload that is not a valid CCCD QR code. ``code`` is stable; the message is in both languages."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_vi, message_en)
        self.code = code

    def __reduce__(self):
        return (type(self), (self.code, self.message_vi, self.message_en))


@dataclass(frozen=True)
class CccdInfo:
    id_number: str = field(repr=False)   # never printed in logs or reprs
    full_name: str
    date_of_birth: date
    sex: str                             # "Nam" or "Nữ"
    warnings: tuple[str, ...] = ()       # consistency checks that failed (not a reason to refuse)

    @property
    def masked_id(self) -> str:
        return "*" * 8 + self.id_number[-4:]

    def to_json_dict(self) -> dict:
        return {"id_number": self.id_number, "full_name": self.full_name,
                "date_of_birth": self.date_of_birth.isoformat(), "sex": self.sex,
                "warnings": list(self.warnings)}


def _parse_date(text: str, what_vi: str, what_en: str) -> date:
    if not _DATE_RE.fullmatch(text):
        raise CccdError("bad_date", f"{what_vi} không đúng dạng ngày-tháng-năm ddmmyyyy: {text!r}",
                        f"{what_en} is not ddmmyyyy: {text!r}")
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise CccdError("bad_date", f"{what_vi} không tồn tại: {text}", f"{what_en} does not exist: {text}") from None


def _consistency(id_number: str, dob: date, sex: str) -> tuple[str, ...]:
    """The ID's 4th digit encodes sex and century, the 5th-6th the year of birth: check, do not refuse."""
    warnings = []
    code = int(id_number[3])
    century = 1900 + 100 * (code // 2)
    if century <= dob.year < century + 100 and id_number[4:6] != f"{dob.year % 100:02d}":
        warnings.append("id_year_mismatch")
    if not century <= dob.year < century + 100:
        warnings.append("id_century_mismatch")
    if ("Nam" if code % 2 == 0 else "Nữ") != sex:
        warnings.append("id_sex_mismatch")
    return tuple(warnings)


def parse_cccd(payload: str, today: date | None = None) -> CccdInfo:
    """Parse one QR payload (as scanned or typed by a USB scanner) or raise :class:`CccdError`."""
    if not isinstance(payload, str):
        raise CccdError("not_text", "Dữ liệu không phải văn bản", "payload is not text")
    # scanners add a byte-order mark, CR/LF or a tab around the code: those are not part of it
    text = unicodedata.normalize("NFC", payload).replace("\ufeff", "").strip()
    if not text:
        raise CccdError("empty", "Không có dữ liệu mã QR", "the QR payload is empty")
    if len(text) > MAX_PAYLOAD:
        raise CccdError("too_long", "Mã QR quá dài, không phải CCCD", "payload too long to be a CCCD")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise CccdError("control_chars", "Mã QR chứa ký tự điều khiển", "payload contains control characters")
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 6:
        raise CccdError("too_few_fields", f"Mã QR không phải CCCD (có {len(parts)} trường, cần ít nhất 6)",
                        f"not a CCCD QR code ({len(parts)} fields, at least 6 needed)")
    id_number, old_id, name, dob_text, sex_text = parts[:5]
    if not _ID_RE.fullmatch(id_number):
        raise CccdError("bad_id", "Số CCCD phải gồm đúng 12 chữ số", "the ID number must be exactly 12 digits")
    if not _OLD_ID_RE.fullmatch(old_id):
        raise CccdError("bad_old_id", "Số CMND cũ phải gồm 9 hoặc 12 chữ số",
                        "the old CMND number must be 9 or 12 digits")
    name = " ".join(name.split())
    if not name or len(name) > 100 or not all(ch.isalpha() or ch in " '-." for ch in name):
        raise CccdError("bad_name", "Họ tên không hợp lệ", "the full name is missing or invalid")
    dob = _parse_date(dob_text, "Ngày sinh", "date of birth")
    today = today or date.today()
    if dob > today or dob.year < 1900:
        raise CccdError("bad_date", f"Ngày sinh không hợp lý: {dob_text}", f"implausible date of birth: {dob_text}")
    sex = _SEXES.get(sex_text.lower())
    if sex is None:
        raise CccdError("bad_sex", f"Giới tính phải là Nam hoặc Nữ: {sex_text!r}",
                        f"sex must be Nam or Nữ: {sex_text!r}")
    if len(parts) > 6 and parts[6]:
        issued = _parse_date(parts[6], "Ngày cấp", "issue date")
        if issued < dob or issued > today:
            raise CccdError("bad_date", f"Ngày cấp không hợp lý: {parts[6]}", f"implausible issue date: {parts[6]}")
    warnings = _consistency(id_number, dob, sex)
    if _lost_diacritics(name):
        warnings += ("name_without_diacritics",)
    return CccdInfo(id_number, name, dob, sex, warnings)


def _lost_diacritics(name: str) -> bool:
    """A keyboard-wedge scanner on a US layout cannot type Vietnamese letters: a name of plain ASCII letters
    most likely lost its marks (Vietnamese names without any are rare). Flag it; never store it silently."""
    return name.isascii()


ImageInput = Union[str, os.PathLike, np.ndarray]


def _gray(image: ImageInput) -> np.ndarray:
    import cv2  # noqa: PLC0415

    if isinstance(image, np.ndarray):
        arr = np.ascontiguousarray(image)
        return arr if arr.ndim == 2 else cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    gray = cv2.imread(os.fspath(image), cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise ValueError(f"cannot read image {image}")
    return gray


def _utf8(raw: bytes, fallback: str) -> str:
    """The CCCD's QR carries UTF-8 bytes without an ECI header: decode them as UTF-8 ourselves rather than
    trust a decoder's guess (the QR standard's default for byte mode is Latin-1)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return fallback


def decode_zxing(image: ImageInput) -> str | None:
    """zxing-cpp's QR reader (the kept decoder: benchmarks/bench_qr_decoders.py)."""
    import zxingcpp  # noqa: PLC0415

    for result in zxingcpp.read_barcodes(_gray(image), formats=zxingcpp.BarcodeFormat.QRCode):
        if result.valid:
            return _utf8(bytes(result.bytes), result.text)
    return None


def decode_opencv(image: ImageInput) -> str | None:
    """OpenCV's QRCodeDetector, one pass."""
    import cv2  # noqa: PLC0415

    try:
        text, _points, _ = cv2.QRCodeDetector().detectAndDecode(_gray(image))
    except cv2.error:
        return None
    return text or None


def decode_opencv_aruco(image: ImageInput) -> str | None:
    """OpenCV's QRCodeDetectorAruco (OpenCV ≥ 4.8), one pass."""
    import cv2  # noqa: PLC0415

    try:
        text, _points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(_gray(image))
    except cv2.error:
        return None
    return text or None


def decode_opencv_with_upscale(image: ImageInput) -> str | None:
    """What the kiosk used before zxing-cpp: QRCodeDetector, then again on the frame enlarged 2x."""
    import cv2  # noqa: PLC0415

    gray = _gray(image)
    return decode_opencv(gray) or decode_opencv(cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))


def decode_zxing_with_upscale(image: ImageInput) -> str | None:
    """zxing-cpp, then again on the frame enlarged 2x: a slightly blurred code of ~2 modules a pixel is read
    on the enlargement (measured: benchmarks/bench_qr_decoders.py)."""
    import cv2  # noqa: PLC0415

    gray = _gray(image)
    return decode_zxing(gray) or decode_zxing(cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))


def read_qr_from_image(image: ImageInput) -> str | None:
    """Decode a QR code in a camera frame (RGB array) or an image file; None when there is none.

    The same camera that sees the face can read the card. On generated CCCD frames zxing-cpp with this retry
    read 250 of 280 against 87 for OpenCV with the same retry, at 1.9 ms a frame instead of 82 ms; OpenCV read
    none that it missed, so it is not kept as a fallback (BENCHMARKS.md, "CCCD QR from the camera").
    """
    return decode_zxing_with_upscale(image)
