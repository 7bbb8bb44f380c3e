"""Support (no tests): a real queue on SQLite or on a private PostgreSQL database, for the counter and board tests."""
from __future__ import annotations

from pathlib import Path


from db import init_db


def sqlite_queue(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    init_db(url, always_open=True).close()
    return url
