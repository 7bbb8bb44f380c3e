"""The rendered ticket: exact width, pure black/white, every string present and intact, nothing clipped."""
import unicodedata
from datetime import datetime, timedelta, timezone

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from printer import TicketError, TicketLayout, compose_ticket, render_ticket
from printer.layout import FONT_BOLD, FONT_REGULAR, compose_test_page, draw, font
from tests.printer_support import make_ticket

VI_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONED = [unicodedata.normalize("NFC", v + m) for v in "aăâeêioôơuưy"
         for m in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")]


def words_of(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("width", [384, 512, 576, 640])
def test_image_is_exactly_paper_wide_and_pure_black_and_white(width):
    img = render_ticket(make_ticket(qr_payload="https://dichvucong.gov.vn/p/1"), width)
    assert img.mode == "1" and img.width == width
    assert set(np.unique(np.asarray(img.convert("L")))) == {0, 255}


def test_every_string_is_drawn_in_vietnamese():
    t = make_ticket(priority_reason="Người cao tuổi", note="Giữ phiếu đến khi được gọi")
    comp = compose_ticket(t, 576)
    drawn = words_of(comp.text())
    for expected in ("Trung tâm Phục vụ hành chính công phường Bến Nghé", "SỐ THỨ TỰ", "A023", "ƯU TIÊN:",
                     "Người cao tuổi", "Lĩnh vực: Hộ tịch", "Thủ tục: Đăng ký khai sinh", "Mời đến quầy: 1, 3",
                     "Số người đang chờ trước bạn: 5", "khoảng 15 phút", "22/11/2026 08:15",
                     "Giữ phiếu đến khi được gọi"):
        needle = words_of(expected)
        assert any(drawn[i:i + len(needle)] == needle for i in range(len(drawn))), expected
    assert comp.text("label") == "A023"
    assert all(unicodedata.is_normalized("NFC", line.text) for line in comp.lines)


def test_each_line_has_ink_matching_an_independent_render_of_its_text():
    t = make_ticket(priority_reason="Phụ nữ mang thai", procedure_name="Ủy quyền, ỦY QUYỀN, Ẩn, Ỹ, Ỗ")
    comp = compose_ticket(t, 576)
    img = draw(comp)
    grey = np.asarray(img.convert("L"))
    for line in comp.lines:
        x0, y0, x1, y1 = line.box
        assert 0 <= x0 < x1 <= img.width and 0 <= y0 < y1 <= img.height, line   # not clipped
        crop = grey[y0:y1, x0:x1]
        ink = 255 if line.inverted else 0
        assert (crop == ink).sum() > 0, f"no ink for {line.text!r}"
        # draw the same text on its own with the font file and compare
        alone = Image.new("L", img.size, 0 if line.inverted else 255)
        ImageDraw.Draw(alone).text(line.origin, line.text, anchor="ls", fill=255 if line.inverted else 0,
                                   font=__import__("PIL.ImageFont", fromlist=["x"]).truetype(
                                       str(FONT_BOLD if line.bold else FONT_REGULAR), line.size))
        alone_bw = np.asarray(alone.point(lambda v: 0 if v < 150 else 255))
        mine = alone_bw == ink
        # every dot the text alone inks lies inside the line's box, and the ticket has it inked too
        ys, xs = np.nonzero(mine)
        assert ys.min() >= y0 and ys.max() < y1 and xs.min() >= x0 and xs.max() < x1, line.text
        assert (grey[mine] == ink).mean() > 0.99, line.text


def test_lines_do_not_overlap():
    comp = compose_ticket(make_ticket(procedure_name="Thủ tục rất dài " * 12, priority_reason="Người khuyết tật"),
                          384)
    boxes = sorted((line.box for line in comp.lines), key=lambda box: box[1])
    for upper, lower in zip(boxes, boxes[1:]):
        assert upper[3] <= lower[1], (upper, lower)


def test_long_names_wrap_and_overlong_words_are_split_not_clipped():
    long_word = "Khôngcókhoảngtrắng" * 6
    comp = compose_ticket(make_ticket(centre_name=long_word, procedure_name="Đăng ký " * 30), 384)
    centre = [line for line in comp.lines if line.part == "centre"]
    assert len(centre) > 1 and "".join(line.text for line in centre) == long_word
    assert len([line for line in comp.lines if line.part == "procedure"]) > 3
    assert all(line.box[2] <= 384 for line in comp.lines)


def test_decomposed_input_is_printed_composed():
    nfd = unicodedata.normalize("NFD", "Hộ tịch")
    comp = compose_ticket(make_ticket(field_name=nfd), 576)
    assert comp.text("field") == "Lĩnh vực: Hộ tịch"
    same = compose_ticket(make_ticket(field_name="Hộ tịch"), 576)
    assert draw(comp).tobytes() == draw(same).tobytes()


def test_font_has_every_vietnamese_letter_and_tone_mark():
    notdef = font(False, 40).getmask("\u0378").getbbox()   # an unassigned code point: the .notdef box
    for bold in (False, True):
        f = font(bold, 40)
        for ch in set(VI_ALPHABET + VI_ALPHABET.upper() + "".join(TONED) + "".join(TONED).upper()):
            mask = f.getmask(ch)
            assert mask.getbbox() is not None, ch
            assert bytes(mask) != bytes(f.getmask("\u0378")) or mask.getbbox() != notdef, ch
    # tone marks are really drawn: "ả" and "a" differ, "Ẩ" reaches above "A"
    f = font(True, 40)
    assert f.getbbox("Ẩ", anchor="ls")[1] < f.getbbox("A", anchor="ls")[1]
    assert bytes(f.getmask("ả")) != bytes(f.getmask("a"))


def test_english_ticket_uses_english_words():
    comp = compose_ticket(make_ticket(language="en", counters=["2"], estimated_wait_min=0), 576)
    text = comp.text()
    for expected in ("TICKET NUMBER", "Please go to counter 2", "People waiting ahead of you: 5",
                     "Estimated wait: you are next", "Please watch the screen"):
        assert " ".join(expected.split()) in text
    assert "SỐ THỨ TỰ" not in text


def test_priority_mark_is_white_on_black_band():
    comp = compose_ticket(make_ticket(priority_reason="Người cao tuổi"), 576)
    band_lines = [line for line in comp.lines if line.part == "priority"]
    assert band_lines and all(line.inverted for line in band_lines)
    grey = np.asarray(draw(comp).convert("L"))
    x0, y0, x1, y1 = band_lines[0].box
    assert (grey[y0:y1, x0:x1] == 0).mean() > 0.5     # mostly black band around white letters
    assert "priority" not in {line.part for line in compose_ticket(make_ticket(), 576).lines}


def test_layout_options_hide_parts_and_change_header_and_note():
    layout = TicketLayout(header="UBND QUẬN 1", note="Xin cảm ơn", show_waiting=False, show_estimate=False,
                          show_procedure=False)
    comp = compose_ticket(make_ticket(), 576, layout)
    parts = {line.part for line in comp.lines}
    assert {"waiting", "estimate", "procedure"}.isdisjoint(parts)
    assert comp.text("header") == "UBND QUẬN 1" and comp.text("note") == "Xin cảm ơn"
    assert comp.height < compose_ticket(make_ticket(), 576).height + 60
    with pytest.raises(TicketError):
        TicketLayout.from_dict({"show_everything": True})


def test_aware_time_is_printed_in_the_centres_zone():
    utc = datetime(2026, 11, 22, 1, 15, tzinfo=timezone.utc)
    assert "22/11/2026 08:15" in compose_ticket(make_ticket(issued_at=utc), 576).text("issued")
    plus7 = datetime(2026, 11, 22, 8, 15, tzinfo=timezone(timedelta(hours=7)))
    assert "22/11/2026 08:15" in compose_ticket(make_ticket(issued_at=plus7), 576).text("issued")


def test_qr_code_decodes_to_its_payload():
    payload = "https://dichvucong.gov.vn/thu-tuc/1.001193?ticket=A023"
    img = render_ticket(make_ticket(qr_payload=payload), 576)
    grey = np.asarray(img.convert("L"))
    decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(grey)
    assert decoded == payload
    assert compose_ticket(make_ticket(qr_payload=payload), 576, TicketLayout(show_qr=False)).qr is None


def test_bad_widths_are_refused_with_a_message():
    for width in (100, 577, 2000):
        with pytest.raises(TicketError, match="paper width"):
            render_ticket(make_ticket(), width)


def test_test_page_shows_every_toned_vowel():
    comp = compose_test_page(576)
    text = comp.text("alphabet")
    assert all(ch in text for ch in TONED) and all(ch.upper() in text for ch in TONED)


def test_a_3000_letter_unbroken_procedure_name_wraps_to_lines_that_fit_with_few_measurements():
    from printer.layout import wrap

    class Counting:                                                        # the real font, measurements counted
        def __init__(self, fnt):
            self.fnt, self.calls = fnt, 0

        def getbbox(self, text, anchor=None):
            self.calls += 1
            return self.fnt.getbbox(text, anchor=anchor)

    word = ("Đăngkýkhaisinhkếthợpnhậncha" * 120)[:3000]
    fnt = Counting(font(False, 26))
    out = wrap(word[:600], fnt, 360)
    assert "".join(out) == word[:600] and len(out) > 5
    for line, following in zip(out, out[1:]):                              # each line as full as it can be
        left, _, right, _ = fnt.fnt.getbbox(line + following[0], anchor="ls")
        assert right - min(left, 0) > 360
    assert fnt.calls <= 30 * len(out)         # O(log n) per line; trying every cut measured it thousands of times

    comp = compose_ticket(make_ticket(procedure_name=word), 384)           # the whole name (147 s before)
    lines = [line for line in comp.lines if line.part == "procedure"]
    assert "".join(line.text for line in lines).endswith(word)             # nothing lost, nothing clipped
    margin = max(8, round(384 / 36))
    assert all(margin <= line.box[0] and line.box[2] <= 384 - margin for line in lines)
