"""A CCCD scanner in USB-serial (CDC) mode: read its payloads off a serial port, on a thread (Qt-free).

    reader = SerialScanner(cfg.scanner_setting, on_payload=handle)   # handle(str) is called on the thread
    reader.start(); ...; reader.stop()

A scanner in CDC mode appears as /dev/ttyACM0 (Linux) or COM3 (Windows) and sends the code's bytes as they
are, so unlike a keyboard wedge it keeps the Vietnamese letters. Payloads are framed by the terminator
the scanner adds (CR, LF, CR LF or Tab) or, for a scanner set to add none, by a pause in the bytes; each is
decoded as UTF-8 without its byte-order mark. An absent or unplugged scanner is logged (in Vietnamese and
English) and opened again every few seconds; the kiosk goes on with the camera and the keyboard meanwhile.

HID-POS mode (a /dev/hidrawN device) is not read: its reports differ between makers; set such scanners
to CDC or keyboard mode (core/config.py refuses "hidraw:").
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from core.config import ScannerSetting
from core.visitors.cccd import MAX_PAYLOAD

log = logging.getLogger(__name__)

TERMINATORS = b"\r\n\t"
IDLE_GAP_S = 0.3         # no byte for this long ends a payload sent without a terminator
RECONNECT_S = 2.0        # an absent scanner is looked for again this often
READ_TIMEOUT_S = 0.05    # one read's wait: also how soon stop() is noticed
MAX_BYTES = 4 * MAX_PAYLOAD   # UTF-8 takes up to 4 bytes a character: more without an end is not a CCCD
BOM = b"\xef\xbb\xbf"


class PayloadFramer:
    """Bytes as they arrive (any chunks) -> whole payloads (str). Pure: the time is given."""

    def __init__(self, idle_gap_s: float = IDLE_GAP_S) -> None:
        self.idle_gap_s = idle_gap_s
        self.buffer = bytearray()
        self.last_byte_at = 0.0

    def feed(self, data: bytes, now: float) -> list[str]:
        payloads = []
        for byte in data:
            if byte in TERMINATORS:
                payloads += self._take()          # CR LF, or a Tab then CR: the empty frames are dropped
            else:
                self.buffer.append(byte)
        if len(self.buffer) > MAX_BYTES:
            log.warning("máy quét gửi %d byte không có ký tự kết thúc: bỏ qua / the scanner sent %d bytes "
                        "without an end: dropped", len(self.buffer), len(self.buffer))
            self.buffer.clear()
        if data:
            self.last_byte_at = now
        return payloads

    def idle(self, now: float) -> list[str]:
        """The payload in progress, once no byte came for ``idle_gap_s`` (scanners set to add no suffix)."""
        if self.buffer and now - self.last_byte_at >= self.idle_gap_s:
            return self._take()
        return []

    def clear(self) -> None:
        self.buffer.clear()

    def _take(self) -> list[str]:
        raw = bytes(self.buffer)
        self.buffer.clear()
        if raw.startswith(BOM):
            raw = raw[len(BOM):]
        if not raw.strip():
            return []
        try:
            return [raw.decode("utf-8")]
        except UnicodeDecodeError:
            # a scanner set to a code page, or a garbled line: the parser refuses the replacement characters
            # with its own message (bad name) and nothing is stored
            log.warning("máy quét gửi dữ liệu không phải UTF-8: hãy đặt máy quét ở chế độ UTF-8 / the scanner "
                        "sent bytes that are not UTF-8: set it to UTF-8 output")
            return [raw.decode("utf-8", errors="replace")]


def open_serial(setting: ScannerSetting):
    """The scanner's port (pyserial), non-blocking reads of at most READ_TIMEOUT_S."""
    import serial  # noqa: PLC0415 - only on kiosks with a serial scanner

    return serial.Serial(setting.device, baudrate=setting.baudrate, timeout=READ_TIMEOUT_S)


class SerialScanner:
    """Reads a scanner in USB-serial mode on its own daemon thread; ``on_payload(text)`` is called there.

    ``open_port(setting)`` returns an object with ``read(n)``, ``in_waiting`` and ``close()`` (pyserial's
    Serial by default). ``connected`` tells whether the scanner is there now."""

    def __init__(self, setting: ScannerSetting, on_payload: Callable[[str], Any],
                 open_port: Callable[[ScannerSetting], Any] = open_serial, reconnect_s: float = RECONNECT_S,
                 idle_gap_s: float = IDLE_GAP_S) -> None:
        self.setting, self.on_payload, self.open_port = setting, on_payload, open_port
        self.reconnect_s = reconnect_s
        self.framer = PayloadFramer(idle_gap_s)
        self.stopping = threading.Event()
        self.connected = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="cccd-scanner", daemon=True)
        self.thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def run(self) -> None:
        absent_logged = False
        while not self.stopping.is_set():
            try:
                port = self.open_port(self.setting)
            except Exception as exc:  # noqa: BLE001 - SerialException, OSError, ValueError: all mean "not there"
                if not absent_logged:                     # once per absence, not every few seconds
                    log.warning("không mở được máy quét CCCD %s (%s): máy vẫn nhận mã qua camera và bàn phím, "
                                "sẽ thử lại mỗi %.0f giây / cannot open the CCCD scanner %s (%s): the kiosk goes on "
                                "with the camera and the keyboard and tries again every %.0f s",
                                self.setting.device, exc, self.reconnect_s, self.setting.device, exc,
                                self.reconnect_s)
                    absent_logged = True
                self.stopping.wait(self.reconnect_s)
                continue
            absent_logged = False
            log.info("máy quét CCCD đã kết nối / CCCD scanner connected: %s", self.setting.device)
            self.connected.set()
            try:
                self._read_until_gone(port)
            finally:
                self.connected.clear()
                self.framer.clear()                       # half a payload from before the unplug is not one
                try:
                    port.close()
                except Exception:  # noqa: BLE001
                    log.debug("closing the scanner port failed", exc_info=True)

    def _read_until_gone(self, port) -> None:
        while not self.stopping.is_set():
            try:
                data = port.read(max(1, port.in_waiting))
            except Exception as exc:  # noqa: BLE001 - unplugged: SerialException / OSError (EIO)
                log.warning("máy quét CCCD %s bị ngắt (%s): máy vẫn nhận mã qua camera và bàn phím, chờ cắm lại / "
                            "the CCCD scanner %s is gone (%s): the kiosk goes on with the camera and the keyboard "
                            "and waits for it to come back", self.setting.device, exc, self.setting.device, exc)
                return
            now = time.monotonic()
            for payload in self.framer.feed(data, now) + self.framer.idle(now):
                self._hand(payload)

    def _hand(self, payload: str) -> None:
        try:
            self.on_payload(payload)
        except Exception:  # noqa: BLE001 - the receiver's trouble must not stop the scanner
            log.exception("handling a scanned payload failed")
