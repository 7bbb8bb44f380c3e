"""Sending jobs and knowing when printing failed, against the project's fake raw-TCP printer."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from printer import (PrintResult, PrintStatus, encode_image, encode_ticket, open_device, parse_device, print_ticket,
                     DeviceError)
from printer.status import STATUS_REQUESTS, count_status_requests
from tests.escpos_fake import FakeEscposPrinter, FakeSerialPrinter
from tests.printer_support import make_ticket

TIMEOUT = 0.5
TICKET = make_ticket(priority_reason="Người cao tuổi")
JOB = encode_ticket(TICKET, 576)


def test_ok_printer_gets_status_job_status_and_says_printed():
    with FakeEscposPrinter() as fake:
        result = print_ticket(TICKET, fake.url, timeout=TIMEOUT)
    assert result.status is PrintStatus.PRINTED and result.printed and result.verified
    assert fake.jobs == [STATUS_REQUESTS + JOB + STATUS_REQUESTS]
    assert result.bytes_sent == len(JOB)


def test_paper_low_prints_and_warns_staff():
    with FakeEscposPrinter("paper_low") as fake:
        result = print_ticket(TICKET, fake.url, timeout=TIMEOUT)
    assert result.status is PrintStatus.PAPER_LOW and result.printed
    assert JOB in fake.jobs[0]
    assert "sắp hết giấy" in result.staff_message("vi") and "paper" in result.staff_message("en")
    assert result.citizen_message("vi") == PrintResult(PrintStatus.PRINTED).citizen_message("vi")


@pytest.mark.parametrize("state, status", [
    ("paper_out", PrintStatus.PAPER_OUT),
    ("cover_open", PrintStatus.COVER_OPEN),
    ("offline", PrintStatus.OFFLINE),
    ("error", PrintStatus.OFFLINE),
])
def test_printer_not_ready_gets_no_job(state, status):
    with FakeEscposPrinter(state) as fake:
        result = print_ticket(TICKET, fake.url, timeout=TIMEOUT)
    assert result.status is status and not result.printed
    assert fake.jobs == [STATUS_REQUESTS]                        # only the question, never the ticket
    assert "vẫn được giữ" in result.citizen_message("vi") and "still valid" in result.citizen_message("en")


def test_paper_running_out_during_the_job_is_not_printed():
    with FakeEscposPrinter(fault="paper_out_after=20000") as fake:
        result = print_ticket(TICKET, fake.url, timeout=TIMEOUT)
    assert result.status is PrintStatus.PAPER_OUT and not result.printed
    assert result.bytes_sent == len(JOB)                          # sent is not printed


def test_printer_that_never_answers_is_not_responding():
    with FakeEscposPrinter(fault="no_status") as fake:
        result = print_ticket(TICKET, fake.url, timeout=TIMEOUT)
    assert result.status is PrintStatus.NO_RESPONSE and not result.printed
    assert fake.jobs == [STATUS_REQUESTS] and fake.core.requests == [1, 2, 3, 4]


def test_reset_mid_job_is_an_error_not_a_ticket():
    with FakeEscposPrinter(fault="reset_after=3000") as fake:
        result = print_ticket(TICKET, fake.url, timeout=TIMEOUT)
    assert result.status is PrintStatus.ERROR and not result.printed
    assert len(fake.jobs[0]) == 3000
    assert "dropped the connection" in result.detail and "dropped the connection" in result.staff_message("en")


def test_printer_that_stops_reading_does_not_block_the_caller():
    with FakeEscposPrinter(fault="stall_after=5000") as fake:
        result = print_ticket(TICKET, fake.url, timeout=TIMEOUT)
    assert result.status is PrintStatus.NO_RESPONSE and not result.printed
    assert len(fake.jobs[0]) == 5000


def test_refused_connection():
    with FakeEscposPrinter(fault="refuse") as fake:
        result = print_ticket(TICKET, fake.url, timeout=TIMEOUT)
    assert result.status is PrintStatus.REFUSED and not result.printed and fake.jobs == []
    assert "từ chối" in result.staff_message("vi")


@pytest.mark.parametrize("answer_in_data", [True, False])
def test_replies_to_status_bytes_inside_image_data_are_skipped(answer_in_data):
    # an image whose raster holds DLE EOT 1..4 sequences many times over (an Epson printer answers them)
    row = np.unpackbits(np.frombuffer(b"\x10\x04\x01\x10\x04\x04" * 12, dtype=np.uint8))
    pixels = np.tile(row, (40, 1)).astype(bool)
    img = Image.fromarray(~pixels).convert("1")
    job = encode_image(img)
    assert count_status_requests(job) >= 40 * 24
    with FakeEscposPrinter("paper_low", answer_in_data=answer_in_data) as fake:
        result = open_device(fake.url).send(job, TIMEOUT)
    assert result.status is PrintStatus.PAPER_LOW
    assert len(fake.core.requests) == 8 + (count_status_requests(job) if answer_in_data else 0)


def test_status_check_prints_nothing():
    with FakeEscposPrinter("cover_open") as fake:
        result = open_device(fake.url).check(TIMEOUT)
    assert result.status is PrintStatus.COVER_OPEN and fake.jobs == [STATUS_REQUESTS]


def test_serial_printer_on_a_pty():
    with FakeSerialPrinter("paper_low") as fake:
        result = print_ticket(TICKET, fake.url(), timeout=TIMEOUT)
        assert result.status is PrintStatus.PAPER_LOW
        fake.core.state = "paper_out"
        assert print_ticket(TICKET, fake.url(), timeout=TIMEOUT).status is PrintStatus.PAPER_OUT
    assert bytes(fake.received) == STATUS_REQUESTS + JOB + STATUS_REQUESTS + STATUS_REQUESTS


def test_text_mode_for_slow_serial_printers():
    with FakeSerialPrinter() as fake:
        result = print_ticket(TICKET, fake.url(baudrate="9600", mode="text"), timeout=TIMEOUT)
    assert result.printed and result.bytes_sent < 2000
    assert b"A023" in fake.received and b"UU TIEN" in fake.received


def test_device_file_without_status_is_sent_but_unverified(tmp_path):
    target = tmp_path / "lp0"
    target.touch()
    result = print_ticket(TICKET, f"file://{target}", timeout=TIMEOUT)
    assert result.status is PrintStatus.PRINTED and not result.verified
    assert target.read_bytes() == JOB
    assert print_ticket(TICKET, f"file://{tmp_path}/missing", timeout=TIMEOUT).status is PrintStatus.NO_RESPONSE


def test_preview_device_writes_png_and_bytes(tmp_path):
    result = print_ticket(TICKET, f"preview://{tmp_path}/out", width=384, timeout=TIMEOUT)
    assert result.status is PrintStatus.PRINTED
    (png,), (binary,) = list((tmp_path / "out").glob("*.png")), list((tmp_path / "out").glob("*.bin"))
    assert "A023" in png.name
    assert Image.open(png).width == 384 and binary.read_bytes() == encode_ticket(TICKET, 384)


def test_usb_without_the_printer_reports_instead_of_raising():
    result = print_ticket(TICKET, "usb://0416:5011", timeout=TIMEOUT)
    assert not result.printed and result.status in (PrintStatus.NO_RESPONSE, PrintStatus.ERROR)
    assert result.detail


@pytest.mark.parametrize("url", ["", "lpt1", "tcp://", "tcp://host:99999", "usb://zz", "ftp://x",
                                 "tcp://h?mode=fancy", "serial:///dev/ttyS0?baudrate=fast"])
def test_bad_device_urls(url):
    with pytest.raises(DeviceError, match="invalid printer address"):
        parse_device(url)
    result = print_ticket(TICKET, url)
    assert result.status is PrintStatus.ERROR and "invalid printer address" in result.detail


def test_device_url_options():
    spec = parse_device("tcp://192.168.1.50?mode=column&cut=partial&status=off")
    assert (spec.target, spec.port, spec.column_mode, spec.cut, spec.check_status) == (
        "192.168.1.50", 9100, True, "partial", False)
    assert parse_device("usb://0416:5011").target == "0416:5011"
    assert parse_device("serial:///dev/ttyUSB0?baudrate=115200").options == {"baudrate": "115200"}


def test_printer_package_never_imports_qt():
    code = "import sys, printer, printer.cli; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "False"
