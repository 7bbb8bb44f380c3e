"""The project's own fake ESC/POS printer for tests (no hardware here): raw TCP on 127.0.0.1, or any
byte pipe (a pty standing in for a serial port).

Like an Epson printer it answers the real-time request DLE EOT n wherever it appears in the stream,
also inside image data, from a simulated state; faults simulate what real printers do wrong.

    with FakeEscposPrinter(state="paper_low") as fake:
        result = print_ticket(ticket, fake.url)
        fake.jobs[0]          # every byte received on the first connection

States: ok, paper_low, paper_out, cover_open, offline, error.
Faults: no_status (never answers), reset_after=N (RST after N bytes), stall_after=N (stops reading),
        paper_out_after=N (the roll ends after N bytes), refuse (nothing listens: ECONNREFUSED).
Also a tiny ESC/POS parser (`parse_job`) for tests that check the bytes.
"""
from __future__ import annotations

import os
import select
import socket
import struct
import threading

STATES = ("ok", "paper_low", "paper_out", "cover_open", "offline", "error")
OFFLINE_STATES = ("paper_out", "cover_open", "offline", "error")


def status_reply(state: str, n: int) -> int:
    """Epson DLE EOT n reply: bits 1 and 4 always set; the rest from the state."""
    byte = 0x12
    if n == 1 and state in OFFLINE_STATES:
        byte |= 0x08
    elif n == 2:
        byte |= {"cover_open": 0x04, "paper_out": 0x20, "error": 0x40}.get(state, 0)
    elif n == 3 and state == "error":
        byte |= 0x08                    # autocutter error
    elif n == 4:
        byte |= {"paper_low": 0x0C, "paper_out": 0x6C}.get(state, 0)
    return byte


class PrinterCore:
    """The byte-level behaviour shared by the TCP and pty fakes: bytes in -> status replies out.

    answer_in_data=True: like Epson, DLE EOT n is answered wherever it occurs, also inside image data.
    answer_in_data=False: a printer that skips GS v 0 image data while looking for requests.
    """

    def __init__(self, state: str = "ok", answer_status: bool = True, answer_in_data: bool = True):
        assert state in STATES, state
        self.state = state
        self.answer_status = answer_status
        self.answer_in_data = answer_in_data
        self.requests: list[int] = []     # every DLE EOT n answered or ignored (n)
        self.new_stream()

    def new_stream(self) -> None:
        self.stream = bytearray()
        self.pos = 0

    def feed(self, data: bytes) -> bytes:
        s = self.stream
        s += data
        replies = bytearray()
        while self.pos < len(s):
            p = self.pos
            if s[p] == 0x10:
                if len(s) - p < 3:
                    break                                  # request split across reads: wait
                if s[p + 1] == 0x04 and 1 <= s[p + 2] <= 4:
                    self.requests.append(s[p + 2])
                    if self.answer_status:
                        replies.append(status_reply(self.state, s[p + 2]))
                    self.pos = p + 3
                    continue
            elif s[p] == 0x1D and not self.answer_in_data:
                if len(s) - p < 8:
                    if b"\x1dv0".startswith(bytes(s[p:p + 3])):
                        break                              # image header split across reads: wait
                elif s[p + 1:p + 3] == b"v0":
                    self.pos = p + 8 + (s[p + 4] + 256 * s[p + 5]) * (s[p + 6] + 256 * s[p + 7])
                    continue
            candidates = [c for c in (s.find(b"\x10", p + 1),
                                      -1 if self.answer_in_data else s.find(b"\x1d", p + 1)) if c != -1]
            self.pos = min(candidates) if candidates else len(s)
        return bytes(replies)


class FakeEscposPrinter:
    def __init__(self, state: str = "ok", fault: str | None = None, answer_in_data: bool = True):
        self.core = PrinterCore(state, answer_status=fault != "no_status", answer_in_data=answer_in_data)
        self.fault = fault
        self.jobs: list[bytes] = []
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)   # a printer's small window
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def state(self) -> str:
        return self.core.state

    @state.setter
    def state(self, value: str) -> None:
        self.core.state = value

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> "FakeEscposPrinter":
        if self.fault != "refuse":       # bound but not listening: connect() gets ECONNREFUSED
            self._sock.listen(4)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(3)
        self._sock.close()

    __enter__ = start

    def __exit__(self, *exc) -> None:
        self.stop()

    def _limit(self, name: str) -> int | None:
        if self.fault and self.fault.startswith(name + "="):
            return int(self.fault.split("=")[1])
        return None

    def _serve(self) -> None:
        self._sock.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                self._job(conn)

    def _job(self, conn: socket.socket) -> None:
        self.core.new_stream()
        received = bytearray()
        self.jobs.append(b"")
        index = len(self.jobs) - 1
        reset_after, stall_after = self._limit("reset_after"), self._limit("stall_after")
        paper_out_after = self._limit("paper_out_after")
        try:
            while not self._stop.is_set():
                if stall_after is not None and len(received) >= stall_after:
                    self._stop.wait(0.05)         # stop reading: the client's sendall() fills up
                    continue
                ready, _, _ = select.select([conn], [], [], 0.05)
                if not ready:
                    continue
                want = 4096
                for limit in (reset_after, stall_after):
                    if limit is not None:
                        want = max(1, min(want, limit - len(received)))
                chunk = conn.recv(want)
                if not chunk:
                    break                         # client finished the job
                received += chunk
                self.jobs[index] = bytes(received)
                reply = self.core.feed(chunk)
                if paper_out_after is not None and len(received) >= paper_out_after:
                    self.core.state = "paper_out"
                if reply:
                    conn.sendall(reply)
                if reset_after is not None and len(received) >= reset_after:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    break                         # close() now sends RST
        except OSError:
            pass


class FakeSerialPrinter:
    """The same printer behind a pty: its slave path works as a serial port for pyserial."""

    def __init__(self, state: str = "ok"):
        import tty

        self.core = PrinterCore(state)
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self._slave = slave
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, **options: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in {"baudrate": "115200", **options}.items())
        return f"serial://{self.path}?{query}"

    def __enter__(self) -> "FakeSerialPrinter":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(3)
        os.close(self.master)
        os.close(self._slave)

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            self.received += chunk
            reply = self.core.feed(chunk)
            if reply:
                os.write(self.master, reply)


# ---- a small ESC/POS parser for tests -----------------------------------------------------
def parse_job(data: bytes) -> list[tuple[str, int, object]]:
    """[(command, offset, payload)] for the commands this project sends; raises on anything else."""
    out: list[tuple[str, int, object]] = []
    i = 0
    while i < len(data):
        b = data[i]
        if data.startswith(b"\x1b@", i):
            out.append(("ESC @", i, None)); i += 2
        elif data.startswith(b"\x1dv0", i):
            xl, xh, yl, yh = data[i + 4:i + 8]
            width_bytes, height = xl + 256 * xh, yl + 256 * yh
            raster = data[i + 8:i + 8 + width_bytes * height]
            if len(raster) != width_bytes * height:
                raise ValueError(f"GS v 0 at {i}: truncated image data")
            out.append(("GS v 0", i, (width_bytes, height, raster))); i += 8 + len(raster)
        elif data.startswith(b"\x1b*", i):
            m, nl, nh = data[i + 2:i + 5]
            dots = nl + 256 * nh
            per_column = 3 if m in (32, 33) else 1
            out.append(("ESC *", i, (m, dots))); i += 5 + dots * per_column
        elif data.startswith(b"\x1b3", i) or data.startswith(b"\x1bd", i) or data.startswith(b"\x1ba", i) \
                or data.startswith(b"\x1bE", i) or data.startswith(b"\x1b!", i) or data.startswith(b"\x1d!", i) \
                or data.startswith(b"\x1bt", i) or data.startswith(b"\x1b-", i) or data.startswith(b"\x1bM", i):
            out.append((f"ESC {chr(data[i + 1])}" if b == 0x1B else "GS !", i, data[i + 2])); i += 3
        elif data.startswith(b"\x1b2", i):
            out.append(("ESC 2", i, None)); i += 2
        elif data.startswith(b"\x1dV", i):
            m = data[i + 2]
            if m in (65, 66):
                out.append(("GS V", i, (m, data[i + 3]))); i += 4
            else:
                out.append(("GS V", i, (m, None))); i += 3
        elif data.startswith(b"\x10\x04", i):
            out.append(("DLE EOT", i, data[i + 2])); i += 3
        elif b == 0x0A:
            out.append(("LF", i, None)); i += 1
        elif 0x20 <= b < 0x7F:
            j = i
            while j < len(data) and 0x20 <= data[j] < 0x7F:
                j += 1
            out.append(("text", i, data[i:j].decode("ascii"))); i = j
        else:
            raise ValueError(f"unexpected byte 0x{b:02x} at offset {i}")
    return out
