"""The ESC/POS bytes: ESC @ first, the image at the right size, feed, cut, and nothing after the cut."""
import json
import math
from datetime import datetime

import numpy as np
import pytest
from PIL import Image

from printer import Ticket, TicketError, encode_image, encode_ticket, encode_ticket_text, render_ticket
from printer.encode import ascii_fold
from tests.escpos_fake import parse_job
from tests.printer_support import make_ticket


def raster_of(img: Image.Image) -> bytes:
    """What GS v 0 must carry: 1 bit = black dot, rows of width/8 bytes."""
    return np.packbits(np.asarray(img.convert("L")) == 0, axis=1).tobytes()


@pytest.mark.parametrize("width", [384, 576, 640])
def test_raster_job_is_init_image_feed_cut(width):
    ticket = make_ticket(priority_reason="Người cao tuổi", qr_payload="https://dvc.example/1")
    data = encode_ticket(ticket, width)
    cmds = parse_job(data)
    names = [c[0] for c in cmds]
    assert names[0] == "ESC @"
    assert names[-2:] == ["ESC d", "GS V"] and cmds[-1][2] == (65, 0)            # feed, full cut
    assert cmds[-1][1] + 4 == len(data)                                         # nothing after the cut
    images = [c[2] for c in cmds if c[0] == "GS v 0"]
    img = render_ticket(ticket, width)
    assert all(wb == width // 8 for wb, _, _ in images)
    assert sum(h for _, h, _ in images) == img.height
    assert b"".join(r for _, _, r in images) == raster_of(img)                 # the very pixels, undithered


def test_column_mode_uses_esc_star_stripes_of_24_dots():
    ticket = make_ticket()
    img = render_ticket(ticket, 576)
    cmds = parse_job(encode_ticket(ticket, 576, column_mode=True))
    stripes = [c[2] for c in cmds if c[0] == "ESC *"]
    assert cmds[0][0] == "ESC @" and cmds[-1][0] == "GS V"
    assert len(stripes) == math.ceil(img.height / 24)
    assert all(m == 33 and dots == 576 for m, dots in stripes)
    assert not any(c[0] == "GS v 0" for c in cmds)


def test_only_thresholded_images_are_accepted():
    with pytest.raises(ValueError, match="mode"):
        encode_image(Image.new("L", (576, 10), 128))


def test_text_fallback_is_plain_ascii_with_the_same_content():
    ticket = make_ticket(priority_reason="Người cao tuổi")
    data = encode_ticket_text(ticket, 576)
    cmds = parse_job(data)                       # raises on any unexpected byte
    text = " ".join(c[2] for c in cmds if c[0] == "text")
    assert all(b < 0x80 for b in data)
    for expected in ("SO THU TU", "A023", "UU TIEN: Nguoi cao tuoi", "Linh vuc: Ho tich", "Moi den quay: 1, 3",
                     "22/11/2026 08:15"):
        assert expected in text
    assert cmds[0][0] == "ESC @" and cmds[-1][0] == "GS V" and cmds[-1][1] + 4 == len(data)
    assert len(data) < len(encode_ticket(ticket, 576)) / 50


def test_ascii_fold():
    assert ascii_fold("Đăng ký khai sinh – Ủy ban") == "Dang ky khai sinh ? Uy ban"


def test_ticket_json_round_trip_keeps_everything():
    ticket = make_ticket(priority_reason="", note="Ghi chú", qr_payload="x", language="en",
                         issued_at=datetime.fromisoformat("2026-11-22T08:15:00+07:00"))
    again = Ticket.from_json(ticket.to_json())
    assert again == ticket and again.is_priority
    assert json.loads(ticket.to_json())["centre_name"] == "Trung tâm Phục vụ hành chính công phường Bến Nghé"


@pytest.mark.parametrize("change, message", [
    ({"label": " "}, "label"),
    ({"waiting_ahead": -1}, "waiting_ahead"),
    ({"language": "fr"}, "language"),
    ({"counters": "13"}, "counters"),
    ({"estimated_wait_min": 2.5}, "estimated_wait_min"),
])
def test_bad_ticket_data_is_refused_in_both_languages(change, message):
    data = json.loads(make_ticket().to_json())
    data.update(change)
    with pytest.raises(TicketError, match=message) as err:
        Ticket.from_dict(data)
    assert " / " in str(err.value)


def test_bad_json_says_what_is_wrong():
    with pytest.raises(TicketError, match="not valid JSON"):
        Ticket.from_json("{not json")
    with pytest.raises(TicketError, match="missing fields: .*issued_at"):
        Ticket.from_json('{"label": "A001", "centre_name": "X", "field_name": "Y", "waiting_ahead": 0}')
    with pytest.raises(TicketError, match="ISO 8601"):
        data = json.loads(make_ticket().to_json())
        data["issued_at"] = "hôm qua"
        Ticket.from_dict(data)


def test_programs_starting_together_share_the_escpos_cache_safely(tmp_path):
    """A fresh machine (or an upgrade): no cached printer database yet, the kiosk and a counter window start at
    once. python-escpos truncates its cache file and parses for a while before it writes it: a second program
    that started meanwhile read the empty file and died with EOFError (seen on a fresh clone's demo)."""
    import os
    import platform
    import subprocess
    import sys
    import time

    from tests.conftest import REPO
    cache = tmp_path / "escpos-cache"
    cache.mkdir()
    env = {**os.environ, "ESCPOS_CAPABILITIES_PICKLE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    code = ("from printer._escpos import escpos_printers; p = escpos_printers(); "
            "from escpos.capabilities import get_profile; assert get_profile('default')")
    first = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not any(cache.iterdir()) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)                     # the first program has begun writing the cache
    others = [subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
              for _ in range(3)]
    results = [(p.wait(60), p.stderr.read()) for p in [first, *others]]
    assert all(rc == 0 for rc, _ in results), [err[-800:] for rc, err in results if rc]
    assert [p.name for p in cache.iterdir()] == [f"{platform.python_version()}.capabilities.pickle"]
