"""CCCD QR payloads: the shared test vectors, a fuzz test, QR images, and `kiosk-admin cccd parse`."""
from __future__ import annotations

import io
import json
from datetime import date

import numpy as np
import pytest
import qrcode
from hypothesis import given, settings, strategies as st

from core.visitors.cccd import CccdError, CccdInfo, parse_cccd, read_qr_from_image
from admin import cli

# Copied from shared/domain/cccd_samples.txt (invented people): expected "ok:ID:NAME:DOB" or "error".
VECTORS = [
    ("ok:001099012345:Nguyễn Văn An:1999-03-15",
     "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Phường Hà Đông, Hà Nội|20052021"),
    ("ok:079301004567:Trần Thị Bích Ngọc:2001-07-09",
     "079301004567||Trần Thị Bích Ngọc|09072001|Nữ|45/2 Lê Văn Sỹ, Phường Tân Sơn Hòa, TP. Hồ Chí Minh|12042022"),
    ("ok:048195000321:Lê Quang Huy:1995-12-31",
     "048195000321|201234567|Lê Quang Huy|31121995|Nam|Tổ 3, Phường Hải Châu, TP. Đà Nẵng|01062021|"),
    ("ok:031088777001:Phạm Minh Đức:1988-01-02",
     "031088777001|031456789|Phạm Minh Đức|02011988|Nam|Thôn Đông, Xã An Lư, TP. Hải Phòng|15082021|extra1|extra2"),
    ("ok:001204001122:Đỗ Gia Bảo:2004-02-29",
     "  001204001122||Đỗ Gia Bảo|29022004|Nam|Phường Yên Nghĩa, Hà Nội|10102024  "),
    ("error", "001099012345|012345678"),
    ("error", "00109901234|012345678|Nguyễn Văn An|15031999|Nam|Hà Nội|20052021"),
    ("error", "ABCDEFGHIJKL|012345678|Nguyễn Văn An|15031999|Nam|Hà Nội|20052021"),
    ("error", "001099012345|012345678|Nguyễn Văn An|31021999|Nam|Hà Nội|20052021"),
    ("error", "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=187805"),
    ("error", ""),
    ("error", "||||||"),
]
GOOD = VECTORS[0][1]


@pytest.mark.parametrize("expect,payload", VECTORS)
def test_shared_vectors(expect: str, payload: str) -> None:
    if expect == "error":
        with pytest.raises(CccdError) as err:
            parse_cccd(payload)
        assert " / " in str(err.value) and err.value.message("vi") and err.value.message("en")   # Vietnamese and English reason
        return
    _, id_number, name, dob = expect.split(":")
    info = parse_cccd(payload)
    assert (info.id_number, info.full_name, info.date_of_birth.isoformat()) == (id_number, name, dob)


def test_only_needed_fields_are_kept_and_id_is_not_in_repr() -> None:
    info = parse_cccd(GOOD)
    kept = {f for f in CccdInfo.__dataclass_fields__}
    assert kept == {"id_number", "full_name", "date_of_birth", "sex", "warnings"}
    assert "Quang Trung" not in repr(info) and "012345678" not in repr(info)
    assert "001099012345" not in repr(info) and info.masked_id.endswith("2345")


def test_consistency_checks_warn_but_do_not_refuse() -> None:
    # 4th digit 1 = female born in the 1900s, but the card says Nam: a warning, not a refusal
    info = parse_cccd("048195000321|201234567|Lê Quang Huy|31121995|Nam|Đà Nẵng|01062021")
    assert "id_sex_mismatch" in info.warnings
    assert parse_cccd(GOOD).warnings == ()
    assert "id_year_mismatch" in parse_cccd(GOOD.replace("15031999", "15031985").replace("|20052021", "|20052021")).warnings


@pytest.mark.parametrize("payload,code", [
    (GOOD.replace("|Nam|", "|Male|"), "bad_sex"),
    (GOOD.replace("Nguyễn Văn An", "Nguyen 123"), "bad_name"),
    (GOOD.replace("|012345678|", "|0123|"), "bad_old_id"),
    (GOOD.replace("15031999", "15032999"), "bad_date"),           # born in the future
    (GOOD.replace("20052021", "20051990"), "bad_date"),           # issued before birth
    (GOOD + "|" + "x" * 2000, "too_long"),
    (GOOD.replace("Nguyễn", "Ngu\x00yễn"), "control_chars"),
])
def test_each_malformed_field_has_its_reason(payload: str, code: str) -> None:
    with pytest.raises(CccdError) as err:
        parse_cccd(payload, today=date(2026, 11, 22))
    assert err.value.code == code


def test_decomposed_unicode_from_a_scanner_is_normalised() -> None:
    import unicodedata
    info = parse_cccd(unicodedata.normalize("NFD", GOOD))
    assert info.full_name == "Nguyễn Văn An" and info.sex == "Nam"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_fuzz_arbitrary_text_either_parses_valid_or_raises_cccd_error(payload: str) -> None:
    try:
        info = parse_cccd(payload)
    except CccdError:
        return
    assert len(info.id_number) == 12 and info.id_number.isascii() and info.id_number.isdigit()
    assert info.full_name and info.sex in {"Nam", "Nữ"}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("0123456789|aNmữ /-.ễ"), max_size=20), min_size=0, max_size=10))
def test_fuzz_field_lists(fields: list[str]) -> None:
    try:
        info = parse_cccd("|".join(fields))
    except CccdError:
        return
    assert info.date_of_birth <= date.today()


def test_qr_code_in_a_camera_frame_is_read_and_parsed() -> None:
    qr = np.asarray(qrcode.make(GOOD).convert("RGB"))
    frame = np.full((480, 640, 3), 200, dtype=np.uint8)        # the card held in front of the camera
    size = min(400, qr.shape[0])
    import cv2
    frame[40:40 + size, 120:120 + size] = cv2.resize(qr, (size, size), interpolation=cv2.INTER_NEAREST)
    text = read_qr_from_image(frame)
    assert text == GOOD
    assert parse_cccd(text).full_name == "Nguyễn Văn An"


def test_frame_without_qr_gives_none(tmp_path) -> None:
    assert read_qr_from_image(np.full((240, 320, 3), 127, dtype=np.uint8)) is None
    with pytest.raises(ValueError):
        read_qr_from_image(tmp_path / "missing.png")


def _run_parse(monkeypatch, capsys, stdin: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(["cccd", "parse"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_cccd_parse_prints_json(monkeypatch, capsys) -> None:
    code, out, _ = _run_parse(monkeypatch, capsys, GOOD + "\n")
    assert code == 0
    data = json.loads(out)
    assert data["id_number"] == "001099012345" and data["date_of_birth"] == "1999-03-15"
    assert "Quang Trung" not in out          # residence is never passed on


def test_cli_cccd_parse_exits_2_with_reason(monkeypatch, capsys) -> None:
    code, out, err = _run_parse(monkeypatch, capsys, "001099012345|012345678\n")
    assert code == 2 and out == "" and "at least 6" in err


@pytest.mark.parametrize("wrap", ["\ufeff{}", "{}\r\n", "{}\n", "{}\t", "\ufeff{}\r\n", "\t{}\t\r\n"],
                         ids=["bom", "crlf", "lf", "tab", "bom-crlf", "tabs"])
def test_payloads_as_scanners_deliver_them(wrap):
    """Scanners add a byte-order mark, CR/LF or a tab (keyboard-wedge suffixes): the same card comes out."""
    assert parse_cccd(wrap.format(GOOD)).to_json_dict() == parse_cccd(GOOD).to_json_dict()


def test_a_name_that_lost_its_diacritics_is_flagged_and_never_registered(tmp_path):
    """A keyboard wedge on a US layout types 'Nguyen Van An': flagged, and the kiosk's registration refuses it
    with a sentence that says what to do, storing nothing."""
    import numpy as np

    from core.visitors.flow import FaceFlow
    mangled = GOOD.replace("Nguyễn Văn An", "Nguyen Van An")
    assert "name_without_diacritics" in parse_cccd(mangled).warnings
    assert "name_without_diacritics" not in parse_cccd(GOOD).warnings

    class Store:   # registration must stop before the store: nothing may be written
        def register_from_cccd(self, *a, **k):
            raise AssertionError("a mangled name reached the visitor store")

    flow = FaceFlow(Store(), recognizer=None, kiosk_id="kiosk-1")
    result = flow.register(mangled, consent_id=1, encodings=[np.zeros(128, np.float32)] * 3)
    assert not result.ok and result.code == "name_without_diacritics"
    assert "mất dấu" in result.message("vi") and "accents" in result.message("en")
