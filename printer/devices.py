"""Printer devices from one configuration string, and sending a job with status checks before and after.

    tcp://192.168.1.50:9100        raw TCP (JetDirect); port defaults to 9100
    usb://0416:5011                USB VID:PID (pyusb + libusb); ?in_ep=0x82&out_ep=0x01
    serial:///dev/ttyUSB0?baudrate=115200
    file:///dev/usb/lp0            a device file (Linux usblp can also answer status requests)
    preview:///some/folder         writes each job's .bin (and .png) there; always PRINTED

Options for any device (query string): mode=raster|column|text (GS v 0, ESC * for old printers, or
ASCII text for very slow serial links), cut=full|partial, status=on|off (off for printers that never
answer DLE EOT: a sent job then counts as printed, unverified).

A job that was sent is not a ticket that was printed: the printer is asked for its state (DLE EOT 1-4)
before the job (nothing is sent to a printer that is out of paper) and after it; replies to DLE EOT
sequences that happen to occur inside image data are expected and skipped.
"""
from __future__ import annotations

import errno
import os
import re
import select
import socket
import stat
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from bilingual import LocalizedError

from .status import (STATUS_REQUESTS, PrinterState, PrintResult, PrintStatus, count_status_requests,
                     is_status_byte)

DEFAULT_PORT = 9100
QUIET_SECONDS = 0.15       # after the expected replies, how long to wait for late extra bytes
MODES = ("raster", "column", "text")


class DeviceError(LocalizedError, ValueError):
    """A device URL that cannot be used; the message says why (Vietnamese and English)."""


class LinkClosed(ConnectionError):
    """The printer closed the connection."""


@dataclass(frozen=True)
class DeviceSpec:
    kind: str                      # tcp, usb, serial, file, preview
    target: str                    # host, "VID:PID", device path or folder
    port: int = DEFAULT_PORT
    mode: str = "raster"
    cut: str = "full"
    check_status: bool = True
    options: dict = field(default_factory=dict)

    @property
    def column_mode(self) -> bool:
        return self.mode == "column"


def parse_device(url: str) -> DeviceSpec:
    def bad(vi: str, en: str) -> DeviceError:
        return DeviceError(f"Địa chỉ máy in không hợp lệ ({url!r}): {vi}", f"invalid printer address ({url!r}): {en}")

    if not isinstance(url, str) or "://" not in url:
        raise bad("cần dạng tcp://máy:9100, usb://VID:PID, serial:///dev/ttyUSB0, file:///dev/usb/lp0 "
                  "hoặc preview:///thư-mục",
                  "expected tcp://host:9100, usb://VID:PID, serial:///dev/ttyUSB0, file:///dev/usb/lp0 "
                  "or preview:///folder")
    parts = urlsplit(url)
    kind = parts.scheme.lower()
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    mode = query.pop("mode", "raster")
    cut = query.pop("cut", "full")
    check = query.pop("status", "on").lower()
    if mode not in MODES:
        raise bad(f"mode phải là {', '.join(MODES)}", f"mode must be one of {', '.join(MODES)}")
    if cut not in ("full", "partial"):
        raise bad("cut phải là full hoặc partial", "cut must be full or partial")
    if check not in ("on", "off", "1", "0", "true", "false"):
        raise bad("status phải là on hoặc off", "status must be on or off")
    common = dict(mode=mode, cut=cut, check_status=check in ("on", "1", "true"), options=query)
    if kind == "tcp":
        if not parts.hostname:
            raise bad("thiếu tên hoặc địa chỉ IP máy in", "the host is missing")
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            raise bad("cổng phải là số 1–65535", "the port must be a number 1-65535") from None
        return DeviceSpec("tcp", parts.hostname, port, **common)
    if kind == "usb":
        ids = parts.netloc or parts.path.strip("/")
        if not re.fullmatch(r"[0-9a-fA-F]{4}:[0-9a-fA-F]{4}", ids):
            raise bad("USB cần dạng usb://VID:PID, ví dụ usb://0416:5011",
                      "USB needs usb://VID:PID in hex, e.g. usb://0416:5011")
        return DeviceSpec("usb", ids.lower(), **common)
    if kind in ("serial", "file", "preview"):
        path = unquote(parts.netloc + parts.path)
        if not path:
            raise bad("thiếu đường dẫn", "the path is missing")
        if kind == "serial":
            try:
                int(query.get("baudrate", "9600"))
            except ValueError:
                raise bad("baudrate phải là số", "baudrate must be a number") from None
        return DeviceSpec(kind, path, **common)
    raise bad(f"loại thiết bị {kind!r} không hỗ trợ", f"unsupported device type {kind!r}")


# ---- links: byte pipes to a printer ------------------------------------------------------
class TcpLink:
    can_read = True

    def __init__(self, host: str, port: int, timeout: float):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes, timeout: float) -> None:
        self.sock.settimeout(max(timeout, 0.01))     # a bound on the whole sendall() (Python >= 3.5)
        self.sock.sendall(data)

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not ready:
            return b""
        data = self.sock.recv(256)
        if not data:
            raise LinkClosed("the printer closed the connection")
        return data

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class FileLink:
    """A device file such as /dev/usb/lp0 (read-write when possible: usblp passes status replies back)."""

    def __init__(self, path: str, timeout: float):
        readable = True
        try:
            self.fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EINVAL, errno.EROFS):
                raise
            self.fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            readable = False
        # only a character device (printer, pty) can answer; a regular file would just read back EOF
        self.can_read = readable and stat.S_ISCHR(os.fstat(self.fd).st_mode)

    def write(self, data: bytes, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the device took no more data after {len(data) - len(view)} bytes")
            _, ready, _ = select.select([], [self.fd], [], left)
            if ready:
                try:
                    view = view[os.write(self.fd, view):]
                except BlockingIOError:
                    pass

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return b""
        try:
            return os.read(self.fd, 256)
        except BlockingIOError:
            return b""

    def close(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


class SerialLink:
    can_read = True

    def __init__(self, path: str, options: dict, timeout: float):
        import serial  # pyserial

        self.serial_exc = serial.SerialException
        self.port = serial.Serial(path, baudrate=int(options.get("baudrate", 9600)),
                                  rtscts=options.get("rtscts", "0") in ("1", "true", "on"),
                                  xonxoff=options.get("xonxoff", "0") in ("1", "true", "on"),
                                  timeout=timeout, write_timeout=timeout)
        self.bytes_per_second = self.port.baudrate / 10

    def write(self, data: bytes, timeout: float) -> None:
        self.port.write_timeout = max(timeout, 0.01)
        try:
            self.port.write(data)
            self.port.flush()
        except self.serial_exc as exc:   # includes SerialTimeoutException
            raise TimeoutError(str(exc)) from None

    def read(self, timeout: float) -> bytes:
        self.port.timeout = max(timeout, 0)
        first = self.port.read(1)
        return first + (self.port.read(self.port.in_waiting) if first and self.port.in_waiting else b"")

    def close(self) -> None:
        try:
            self.port.close()
        except Exception:
            pass


class UsbLink:
    """USB through python-escpos's Usb printer class (pyusb): it finds the device and its endpoints."""
    can_read = True

    def __init__(self, ids: str, options: dict, timeout: float):
        from ._escpos import escpos_printers

        vid, pid = (int(x, 16) for x in ids.split(":"))
        self.printer = escpos_printers().Usb(vid, pid, timeout=int(timeout * 1000),
                                             in_ep=int(options.get("in_ep", "0x82"), 0),
                                             out_ep=int(options.get("out_ep", "0x01"), 0))
        self.printer.open()

    def write(self, data: bytes, timeout: float) -> None:
        self.printer.device.write(self.printer.out_ep, data, max(1, int(timeout * 1000)))

    def read(self, timeout: float) -> bytes:
        import usb.core

        try:
            return bytes(self.printer.device.read(self.printer.in_ep, 64, max(1, int(timeout * 1000))))
        except usb.core.USBTimeoutError:
            return b""

    def close(self) -> None:
        try:
            self.printer.close()
        except Exception:
            pass


# ---- talking to the printer --------------------------------------------------------------
class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self, cap: float | None = None) -> float:
        left = max(0.0, self.end - time.monotonic())
        return left if cap is None else min(left, cap)


def query_state(link, timeout: float, stale: int = 0) -> PrinterState | None:
    """Ask DLE EOT 1-4; None when the printer does not answer in time.

    `stale` replies are expected first (DLE EOT sequences inside the job just sent); the answers to our
    own requests are the last four bytes, because the printer answers in the order it reads.
    """
    while link.read(0):          # drop anything left over from earlier traffic
        pass
    link.write(STATUS_REQUESTS, timeout)
    deadline = Deadline(timeout)
    replies = b""
    while len(replies) < stale + 4 and deadline.left() > 0:
        wait = deadline.left() if len(replies) < 4 else deadline.left(QUIET_SECONDS)
        chunk = link.read(wait)
        if not chunk and len(replies) >= 4:
            break                # quiet: this printer did not answer the sequences inside the data
        replies += chunk
    answer = replies[-4:]
    if len(answer) < 4 or not all(is_status_byte(b) for b in answer):
        return None
    return PrinterState.from_replies(answer)


class Device:
    """One printer from a device URL. `send()` and `check()` never raise for device problems."""

    def __init__(self, spec: DeviceSpec):
        self.spec = spec

    def _open_link(self, timeout: float):
        s = self.spec
        if s.kind == "tcp":
            return TcpLink(s.target, s.port, timeout)
        if s.kind == "serial":
            return SerialLink(s.target, s.options, timeout)
        if s.kind == "usb":
            return UsbLink(s.target, s.options, timeout)
        return FileLink(s.target, timeout)

    def transfer_seconds(self, n_bytes: int) -> float:
        """A generous allowance for pushing a job through the link (the printer prints as it reads)."""
        if self.spec.kind == "serial":
            return n_bytes / (int(self.spec.options.get("baudrate", 9600)) / 10) * 1.3
        return n_bytes / 40_000      # ~40 kB/s: a slow printer printing while it reads (~80 mm/s)

    def check(self, timeout: float = 2.0) -> PrintResult:
        """The printer's state, without printing (PRINTED here means "ready")."""
        return self.send(b"", timeout)

    def send(self, data: bytes, timeout: float = 2.0, image=None, name: str = "job") -> PrintResult:
        if self.spec.kind == "preview":
            return self._preview(data, image, name)
        deadline = Deadline(2 * timeout + self.transfer_seconds(len(data)))
        link = None
        sent = 0
        stage = "connecting"
        try:
            link = self._open_link(deadline.left(timeout))
            use_status = self.spec.check_status and link.can_read
            if use_status:
                stage = "asking the printer's state"
                state = query_state(link, deadline.left(timeout / 2))
                if state is None:
                    return PrintResult(PrintStatus.NO_RESPONSE, f"{self._where()}: no answer to status requests")
                if not data or state.status() not in (PrintStatus.PRINTED, PrintStatus.PAPER_LOW):
                    return PrintResult(state.status(), f"{self._where()}: {state.describe()}"
                                       + ("" if not data else "; job not sent"))
            if not data:
                return PrintResult(PrintStatus.PRINTED, f"{self._where()}: status not available", verified=False)
            stage = "sending the job"
            link.write(data, deadline.left(timeout + self.transfer_seconds(len(data))))
            sent = len(data)
            if not use_status:
                return PrintResult(PrintStatus.PRINTED, f"{self._where()}: sent {sent} bytes; "
                                   "this device does not report status", verified=False, bytes_sent=sent)
            stage = "confirming the job"
            # sendall() returns once the OS holds the bytes; the printer answers after reading them all
            state = query_state(link, deadline.left(timeout / 2 + self.transfer_seconds(len(data))),
                                stale=count_status_requests(data))
            if state is None:
                return PrintResult(PrintStatus.NO_RESPONSE, f"{self._where()}: job sent ({sent} bytes) but the "
                                   "printer did not answer afterwards", bytes_sent=sent)
            return PrintResult(state.status(), f"{self._where()}: {state.describe()} after the job",
                               bytes_sent=sent)
        except ConnectionRefusedError:
            return PrintResult(PrintStatus.REFUSED, f"{self._where()}: connection refused")
        except (ConnectionResetError, BrokenPipeError, LinkClosed) as exc:
            partial = "; the ticket may be incomplete" if stage in ("sending the job", "confirming the job") else ""
            return PrintResult(PrintStatus.ERROR, f"{self._where()}: the printer dropped the connection while "
                               f"{stage} ({exc.__class__.__name__}){partial}", bytes_sent=sent)
        except (TimeoutError, socket.timeout):
            what = ("the printer stopped taking data (offline or out of paper?)" if stage == "sending the job"
                    else f"no answer while {stage}")
            return PrintResult(PrintStatus.NO_RESPONSE, f"{self._where()}: {what}", bytes_sent=sent)
        except socket.gaierror as exc:
            return PrintResult(PrintStatus.ERROR, f"{self._where()}: unknown host ({exc})")
        except FileNotFoundError:
            return PrintResult(PrintStatus.NO_RESPONSE, f"{self._where()}: device not found (unplugged?)")
        except OSError as exc:
            if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENODEV, errno.ENXIO):
                return PrintResult(PrintStatus.NO_RESPONSE, f"{self._where()}: {exc.strerror or exc}")
            return PrintResult(PrintStatus.ERROR, f"{self._where()}: {exc}", bytes_sent=sent)
        except Exception as exc:    # pyserial / pyusb / python-escpos errors: never raise to the kiosk
            name_ = exc.__class__.__name__
            status = PrintStatus.NO_RESPONSE if "NotFound" in name_ else PrintStatus.ERROR
            return PrintResult(status, f"{self._where()}: {name_}: {exc}", bytes_sent=sent)
        finally:
            if link is not None:
                link.close()

    def _where(self) -> str:
        s = self.spec
        return f"{s.kind}://{s.target}" + (f":{s.port}" if s.kind == "tcp" else "")

    def _preview(self, data: bytes, image, name: str) -> PrintResult:
        folder = Path(self.spec.target)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stem = f"{datetime.now():%Y%m%d-%H%M%S-%f}-{re.sub(r'[^A-Za-z0-9_-]', '_', name)[:40]}"
            if data:
                (folder / f"{stem}.bin").write_bytes(data)
            if image is not None:
                image.save(folder / f"{stem}.png")
        except OSError as exc:
            return PrintResult(PrintStatus.ERROR, f"preview folder {folder}: {exc}")
        return PrintResult(PrintStatus.PRINTED, f"preview: {folder / stem}", bytes_sent=len(data))


def open_device(url: str) -> Device:
    """The device for a URL (raises DeviceError for a URL that cannot be used; opens nothing yet)."""
    return Device(parse_device(url))
