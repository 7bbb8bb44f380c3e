"""A small TCP proxy for fault injection between the programs and PostgreSQL (127.0.0.1 only).

    with TcpProxy(5432) as proxy:          # proxy.port forwards to 127.0.0.1:5432
        proxy.commit_delay = 0.2           # hold every COMMIT from the client this long
        proxy.freeze()                     # the link goes silent: nothing forwarded, nothing reset
        proxy.thaw()
        proxy.slow_next_commit(30)         # hold just the next COMMIT
        proxy.cut_after_next_commit()      # the COMMIT reaches the server, its reply is lost, link cut

It understands just enough of the PostgreSQL protocol to see a simple-query COMMIT (what psycopg sends
for ``connection.commit()``).
"""
from __future__ import annotations

import socket
import threading
import time

COMMIT = b"Q\x00\x00\x00\x0bCOMMIT\x00"


class _Link:
    def __init__(self, proxy: "TcpProxy", client: socket.socket, server: socket.socket):
        self.proxy, self.client, self.server = proxy, client, server
        self.cut_pending = False
        self.closed = False

    def close(self) -> None:
        self.closed = True
        for s in (self.client, self.server):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass

    def pump(self, src: socket.socket, dst: socket.socket, to_server: bool) -> None:
        try:
            while not self.closed:
                data = src.recv(65536)
                if not data:
                    break
                self.proxy._hold()                      # frozen: keep the bytes, send nothing
                if to_server and COMMIT in data:
                    delay = self.proxy._take_delay()
                    if delay:
                        time.sleep(delay)
                        self.proxy._hold()
                    if self.proxy._take_cut():
                        self.cut_pending = True
                    self.proxy.commits += 1
                elif not to_server and self.cut_pending:
                    break                               # the COMMIT's reply: lost with the link
                dst.sendall(data)
        except OSError:
            pass
        finally:
            if not (self.proxy.frozen and not self.closed and not self.cut_pending):
                self.close()


class TcpProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.commit_delay = 0.0
        self.commits = 0
        self.frozen = False
        self._thawed = threading.Event()
        self._thawed.set()
        self._cuts = 0
        self._one_off: list[float] = []
        self._lock = threading.Lock()
        self.links: list[_Link] = []
        self._stop = False
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()

    def url(self, url: str) -> str:
        """``url`` (a PostgreSQL SQLAlchemy URL) through this proxy."""
        from sqlalchemy.engine import make_url
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    # -------------------------------------------------------------- faults
    def freeze(self) -> None:
        self.frozen = True
        self._thawed.clear()

    def thaw(self) -> None:
        self.frozen = False
        self._thawed.set()

    def slow_next_commit(self, seconds: float) -> None:
        """Hold only the next COMMIT (of any connection) for ``seconds``."""
        with self._lock:
            self._one_off.append(seconds)

    def _take_delay(self) -> float:
        with self._lock:
            if self._one_off:
                return self._one_off.pop(0)
        return self.commit_delay

    def cut_after_next_commit(self, count: int = 1) -> None:
        with self._lock:
            self._cuts += count

    def cut_all(self) -> None:
        for link in list(self.links):
            link.close()

    def _take_cut(self) -> bool:
        with self._lock:
            if self._cuts:
                self._cuts -= 1
                return True
            return False

    def _hold(self) -> None:
        while not self._thawed.wait(0.05):
            if self._stop:
                raise OSError("proxy stopped")

    # -------------------------------------------------------------- plumbing
    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self._hold_new(client)

    def _hold_new(self, client: socket.socket) -> None:
        def start():
            try:
                self._hold()                            # a frozen link answers no new connection either
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                return
            link = _Link(self, client, server)
            self.links.append(link)
            threading.Thread(target=link.pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=link.pump, args=(server, client, False), daemon=True).start()
        threading.Thread(target=start, daemon=True).start()

    def close(self) -> None:
        self._stop = True
        self.thaw()
        try:
            self.listener.close()
        except OSError:
            pass
        self.cut_all()

    def __enter__(self) -> "TcpProxy":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
