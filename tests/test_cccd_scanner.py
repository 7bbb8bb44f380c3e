"""The CCCD scanner in USB-serial (CDC) mode, on a real pseudo-terminal: the test writes bytes as a scanner
does (in chunks, with a byte-order mark, CR LF or Tab, Vietnamese UTF-8) and the parser gets the exact
payload; unplugged (the master closed) it says so and comes back when the device does."""
from __future__ import annotations

import logging
import os
import pty
import queue
import threading

import pytest

from core.config import ConfigError, ScannerSetting, load_config, parse_scanner
from core.visitors.cccd import parse_cccd
from core.visitors.scanner import PayloadFramer, SerialScanner

pytest.importorskip("serial")

AN = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Phường Hà Đông, Hà Nội|20052021"
NGOC = "079301004567||Trần Thị Bích Ngọc|09072001|Nữ|45/2 Lê Văn Sỹ, Phường Tân Sơn Hòa, TP. Hồ Chí Minh|12042022"
WAIT_S = 10.0            # generous: a stalled thread fails the test, it never slows a passing one


class FakeUSB:
    """A scanner plugged in as /dev/serial/by-id/...: a symlink to a pty slave, re-pointed on each plug."""

    def __init__(self, tmp_path):
        self.link = tmp_path / "usb-Scanner_CDC-if00"
        self.master: int | None = None

    def plug(self) -> None:
        master, slave = pty.openpty()
        name = os.ttyname(slave)
        os.close(slave)                       # the reader opens it by name, as it would /dev/ttyACM0
        if self.link.is_symlink():
            self.link.unlink()
        self.link.symlink_to(name)
        self.master = master

    def send(self, *chunks: bytes) -> None:
        for chunk in chunks:
            os.write(self.master, chunk)

    def unplug(self) -> None:
        os.close(self.master)
        self.master = None


@pytest.fixture
def usb(tmp_path):
    device = FakeUSB(tmp_path)
    device.plug()
    yield device
    if device.master is not None:
        device.unplug()


def _reader(usb: FakeUSB, **options):
    got: queue.Queue[str] = queue.Queue()
    reader = SerialScanner(ScannerSetting("serial", str(usb.link), 9600), got.put, reconnect_s=0.05, **options)
    reader.start()
    assert reader.connected.wait(WAIT_S)
    return reader, got


def test_chunks_with_bom_and_crlf_reach_the_parser_exactly(usb):
    reader, got = _reader(usb)
    try:
        data = b"\xef\xbb\xbf" + AN.encode("utf-8") + b"\r\n"
        # the chunks split a multi-byte letter ("ễ" is 3 bytes) and the CR from its LF
        cut = AN.encode("utf-8").index("ễ".encode("utf-8")) + 3 + 1
        usb.send(data[:cut], data[cut:cut + 7], data[cut + 7:-1], data[-1:])
        payload = got.get(timeout=WAIT_S)
        assert payload == AN                          # the exact text: no BOM, no CR, no LF
        info = parse_cccd(payload)
        assert info.full_name == "Nguyễn Văn An" and "name_without_diacritics" not in info.warnings
        assert got.empty()                            # CR LF is one end, not an extra empty payload
    finally:
        reader.stop()


def test_tab_terminated_payloads_one_after_the_other(usb):
    reader, got = _reader(usb)
    try:
        usb.send(AN.encode("utf-8") + b"\t" + NGOC.encode("utf-8")[:40], NGOC.encode("utf-8")[40:] + b"\r")
        assert got.get(timeout=WAIT_S) == AN
        assert got.get(timeout=WAIT_S) == NGOC
        assert parse_cccd(NGOC).full_name == "Trần Thị Bích Ngọc"
    finally:
        reader.stop()


def test_a_scanner_without_terminator_is_framed_by_the_pause(usb):
    reader, got = _reader(usb, idle_gap_s=0.2)
    try:
        usb.send(NGOC.encode("utf-8"))
        assert got.get(timeout=WAIT_S) == NGOC
    finally:
        reader.stop()


def test_unplugged_says_so_then_reads_again_when_plugged_back(usb, caplog):
    caplog.set_level(logging.INFO, logger="core.visitors.scanner")
    reader, got = _reader(usb)
    try:
        usb.send(AN.encode("utf-8")[:30])            # half a payload, then the cable is pulled
        usb.unplug()
        _wait(lambda: not reader.connected.is_set())
        gone = [r.getMessage() for r in caplog.records if "bị ngắt" in r.getMessage()]
        assert gone and "is gone" in gone[0] and "camera" in gone[0]
        assert reader.thread.is_alive()               # no crash: it waits for the device
        usb.plug()                                    # the same by-id name, a new tty behind it
        assert reader.connected.wait(WAIT_S)
        usb.send(NGOC.encode("utf-8") + b"\r\n")
        assert got.get(timeout=WAIT_S) == NGOC        # the half payload from before the unplug is not glued on
        assert got.empty()
    finally:
        reader.stop()
    assert not reader.thread.is_alive()


def test_an_absent_scanner_is_logged_once_in_both_languages_and_the_kiosk_goes_on(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="core.visitors.scanner")
    reader = SerialScanner(ScannerSetting("serial", str(tmp_path / "ttyACM9")), lambda p: None, reconnect_s=0.02)
    reader.start()
    try:
        _wait(lambda: len(caplog.records) >= 1)
        threading.Event().wait(0.2)                   # ~10 more attempts
        absent = [r.getMessage() for r in caplog.records]
        assert len(absent) == 1, absent               # once per absence, not at every retry
        assert "không mở được máy quét" in absent[0] and "cannot open the CCCD scanner" in absent[0]
        assert not reader.connected.is_set() and reader.thread.is_alive()
    finally:
        reader.stop()


def test_a_receiver_error_does_not_stop_the_reader(usb):
    got: queue.Queue[str] = queue.Queue()

    def handle(payload: str) -> None:
        if got.empty() and payload == AN:
            got.put("failed once")
            raise RuntimeError("the kiosk was busy")
        got.put(payload)

    reader = SerialScanner(ScannerSetting("serial", str(usb.link)), handle, reconnect_s=0.05)
    reader.start()
    try:
        assert reader.connected.wait(WAIT_S)
        usb.send(AN.encode("utf-8") + b"\r", NGOC.encode("utf-8") + b"\r")
        assert got.get(timeout=WAIT_S) == "failed once"
        assert got.get(timeout=WAIT_S) == NGOC
    finally:
        reader.stop()


# ---------------------------------------------------------------- framing, without a device
def test_framer_drops_empty_frames_and_bom_and_keeps_utf8_split_across_chunks():
    f = PayloadFramer(idle_gap_s=1.0)
    data = b"\r\n\xef\xbb\xbf" + "Đỗ Gia Bảo".encode("utf-8") + b"\r\n\t"
    out = []
    for i, byte in enumerate(data):
        out += f.feed(bytes([byte]), now=float(i) * 0.001)
    assert out == ["Đỗ Gia Bảo"]


def test_framer_idle_gap_ends_a_payload_only_after_the_pause():
    f = PayloadFramer(idle_gap_s=0.3)
    assert f.feed(AN.encode("utf-8"), now=10.0) == []
    assert f.idle(now=10.2) == []
    assert f.idle(now=10.31) == [AN]
    assert f.idle(now=11.0) == []


def test_framer_bytes_that_are_not_utf8_reach_the_parser_which_refuses_them():
    f = PayloadFramer()
    latin1 = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Hà Nội|20052021".replace("ễ", "e").replace(
        "ă", "a").replace("à", "a").replace("ộ", "o").encode("ascii").replace(b"Van", b"V\xe2n")
    (payload,) = f.feed(latin1 + b"\n", now=0.0)
    with pytest.raises(Exception) as info:
        parse_cccd(payload)
    assert info.value.code == "bad_name"


def test_framer_a_runaway_stream_is_dropped():
    f = PayloadFramer()
    assert f.feed(b"x" * 5000, now=0.0) == [] and not f.buffer


# ---------------------------------------------------------------- the setting
@pytest.mark.parametrize("text, expected", [
    ("keyboard", ScannerSetting()),
    ("", ScannerSetting()),
    ("serial:/dev/ttyACM0", ScannerSetting("serial", "/dev/ttyACM0", 9600)),
    ("serial:/dev/ttyACM0:115200", ScannerSetting("serial", "/dev/ttyACM0", 115200)),
    ("serial:COM3", ScannerSetting("serial", "COM3", 9600)),
    ("serial:COM3:9600", ScannerSetting("serial", "COM3", 9600)),
])
def test_scanner_setting_is_understood(text, expected):
    assert parse_scanner(text) == expected
    assert load_config(env={}, scanner=text).scanner_setting == expected


@pytest.mark.parametrize("text", ["serial:", "usb:/dev/ttyACM0", "serial:/dev/ttyACM0:12", "hidraw:/dev/hidraw0"])
def test_a_bad_scanner_setting_is_refused_in_both_languages(text):
    with pytest.raises(ConfigError) as info:
        load_config(env={"KIOSK_SCANNER": text})
    assert "scanner" in info.value.message_vi and "scanner" in info.value.message_en
    assert info.value.message_vi != info.value.message_en


def _wait(condition, timeout: float = WAIT_S) -> None:
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("condition not met in time")
