"""Support (no tests): a real queue on SQLite or on a private PostgreSQL database, for the counter and board tests."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from db import init_db


def sqlite_queue(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    init_db(url, always_open=True).close()
    return url


class PgDatabase:
    """A fresh database on the test server (own name), dropped afterwards; others' data untouched."""

    def __init__(self, base_url: str):
        import psycopg
        from sqlalchemy.engine import make_url
        self.psycopg = psycopg
        self.base = make_url(base_url)
        self.name = f"counter_test_{uuid.uuid4().hex[:10]}"
        self.admin = self.base.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = self.base.set(database=self.name).render_as_string(hide_password=False)

    def execute(self, sql: str) -> None:
        with self.psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        self.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.name}' "
                     "AND pid <> pg_backend_pid()")
        self.execute(f'DROP DATABASE IF EXISTS "{self.name}"')


def pg_url_or_skip() -> str:
    url = os.environ.get("KIOSK_TEST_PG_URL")
    if not url:
        pytest.skip("KIOSK_TEST_PG_URL is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    return url
