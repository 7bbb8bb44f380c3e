"""Every database failure becomes a QueueError a person can act on (Qt-free).

SQLAlchemy wraps most driver errors, but not all (an error raised in an engine event, the feed's raw
connections), so the driver's own errors are matched too: sqlite3 by its error name, psycopg by SQLSTATE.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from bilingual import Catalogue

from .errors import QueueError, Unavailable

log = logging.getLogger(__name__)

WORDS = Catalogue("db_faults", {
    "busy": ("Cơ sở dữ liệu đang bận, vui lòng thử lại", "The database is busy, please retry"),
    "disk_full": ("Hết dung lượng đĩa của cơ sở dữ liệu — hãy giải phóng dung lượng đĩa",
                  "The database disk is full — free some disk space"),
    "read_only": ("Tệp cơ sở dữ liệu chỉ đọc — hãy kiểm tra quyền ghi của tệp và thư mục",
                  "The database file is read-only — check write permission on the file and its folder"),
    "corrupt": ("Tệp cơ sở dữ liệu bị hỏng — hãy khôi phục từ bản sao lưu",
                "The database file is corrupt — restore it from a backup"),
    "gone": ("Tệp cơ sở dữ liệu bị xóa hoặc bị thay thế — hãy khôi phục tệp hoặc chạy 'kiosk-admin init', "
             "rồi khởi động lại chương trình",
             "The database file was deleted or replaced — restore it or run 'kiosk-admin init', then restart"),
    "not_set_up": ("Cơ sở dữ liệu chưa được khởi tạo — hãy chạy 'kiosk-admin init'",
                   "The database is not set up — run 'kiosk-admin init'"),
    "unreachable": ("Không kết nối được cơ sở dữ liệu, vui lòng thử lại sau",
                    "Cannot reach the database, please retry later"),
    "server_error": ("Máy chủ cơ sở dữ liệu báo lỗi ({code}) — hãy báo quản trị viên",
                     "The database server reported an error ({code}) — tell the administrator"),
    "server_read_only": ("Máy chủ cơ sở dữ liệu đang ở chế độ chỉ đọc — hãy báo quản trị viên",
                         "The database server is read-only — tell the administrator"),
})
# (Vietnamese, English) of each reason, as Unavailable(*reason) takes them
BUSY, DISK_FULL, READ_ONLY, CORRUPT, GONE, NOT_SET_UP, UNREACHABLE = (
    WORDS.pair(key) for key in ("busy", "disk_full", "read_only", "corrupt", "gone", "not_set_up", "unreachable"))


def _sqlite_reason(exc: sqlite3.Error) -> tuple[str, str]:
    name = getattr(exc, "sqlite_errorname", "") or ""
    msg = str(exc).lower()
    if name == "SQLITE_READONLY_DBMOVED" or "unable to open" in msg or name.startswith("SQLITE_CANTOPEN"):
        return GONE
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in msg or "busy" in msg:
        return BUSY
    if name == "SQLITE_FULL" or "disk is full" in msg or "database or disk is full" in msg:
        return DISK_FULL
    if name.startswith("SQLITE_READONLY") or "readonly" in msg or "read-only" in msg:
        return READ_ONLY
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in msg or "not a database" in msg:
        return CORRUPT
    if "no such table" in msg:
        return NOT_SET_UP
    if name.startswith("SQLITE_IOERR") or "disk i/o" in msg:
        return GONE if name in ("SQLITE_IOERR_FSTAT", "SQLITE_IOERR_DELETE") else CORRUPT
    return UNREACHABLE


def _pg_reason(exc: Exception) -> tuple[str, str] | None:
    code = getattr(exc, "sqlstate", None)
    if code is None:
        return None if not type(exc).__module__.startswith("psycopg") else UNREACHABLE
    if code in ("55P03", "57014", "40001", "40P01", "53300"):  # lock / statement timeout, conflicts, too many
        return BUSY
    if code == "53100":                                       # disk_full
        return DISK_FULL
    if code == "25006":                                       # read_only_sql_transaction (a standby)
        return WORDS.pair("server_read_only")
    if code in ("42P01", "3F000", "3D000"):                   # no table / schema / database
        return NOT_SET_UP
    if code.startswith(("08", "57", "53", "58", "XX")):       # connection, shutdown, resources, system
        return UNREACHABLE
    return WORDS.pair("server_error", code=code)


def reason_for(exc: BaseException) -> tuple[str, str] | None:
    """(vi, en) for a database failure, or None if ``exc`` is not one."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if isinstance(orig, sqlite3.Error):
        return _sqlite_reason(orig)
    pg = _pg_reason(orig)
    if pg is not None:
        return pg
    if isinstance(exc, SQLAlchemyError):
        msg = str(exc).lower()
        if "no such table" in msg or ("does not exist" in msg and "relation" in msg):
            return NOT_SET_UP
        return UNREACHABLE
    if isinstance(exc, OSError):
        return UNREACHABLE
    return None


def unavailable(exc: BaseException) -> Unavailable:
    vi, en = reason_for(exc) or UNREACHABLE
    err = Unavailable(vi, en)
    err.__cause__ = exc
    return err


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn any database failure inside the block into ``Unavailable`` (QueueErrors pass through)."""
    try:
        yield
    except (QueueError, IntegrityError):  # constraint violations are the service's to interpret
        raise
    except Exception as exc:
        if reason_for(exc) is None:
            raise
        log.debug("database failure", exc_info=True)
        raise unavailable(exc) from exc


class SqliteFile:
    """The SQLite file a program opened: deleted or replaced under it (another inode) means stop."""

    def __init__(self, path: str):
        self.path = path
        self.identity: tuple[int, int] | None = None   # the file as first seen
        try:
            self.check()
        except Unavailable:
            pass

    def check(self) -> None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise Unavailable(*GONE) from None
        except OSError as exc:
            raise unavailable(exc) from exc
        if self.identity is None:
            self.identity = (st.st_dev, st.st_ino)
        elif (st.st_dev, st.st_ino) != self.identity:
            raise Unavailable(*GONE)
