"""A register that forgets for real: private files, ids never reused, forget scrubs events and tickets, an
append-only hash-chained audit log, no silent new key. On migrated SQLite and PostgreSQL databases."""
from __future__ import annotations

import json
import os
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import db
from core.visitors.cccd import parse_cccd
from core.visitors.store import KeyFileError, VisitorStore, create_key_file
from tests.admin_support import admin

PAYLOAD = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Hà Đông|20052021"
OTHER = "079301004567||Trần Thị Bích Ngọc|09072001|Nữ|TP. Hồ Chí Minh|12042022"


@pytest.fixture
def queue_and_store(db_url, tmp_path):
    svc = db.init_db(db_url, always_open=True)
    svc.default_actor = "admin:tests"
    key = tmp_path / "keys" / "visitor.key"
    create_key_file(key)
    yield svc, VisitorStore(svc, key)
    svc.close()


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_sqlite_files_and_the_key_file_are_created_private(tmp_path):
    old = os.umask(0)                        # even where every new file would be world-writable
    try:
        url = f"sqlite:///{tmp_path / 'data' / 'queue.sqlite3'}"
        svc = db.init_db(url, always_open=True)
        svc.issue("HT")
        files = sorted(p.name for p in (tmp_path / "data").iterdir())
        assert {"queue.sqlite3", "queue.sqlite3-wal", "queue.sqlite3-shm"} <= set(files)
        for name in files:
            assert _mode(tmp_path / "data" / name) == 0o600, name
        assert _mode(tmp_path / "data") == 0o700
        svc.close()
        key = tmp_path / "keys" / "visitor.key"
        assert create_key_file(key) is True and create_key_file(key) is False   # made once, then reused
        assert _mode(key) == 0o600 and _mode(key.parent) == 0o700
    finally:
        os.umask(old)


def test_a_missing_key_refuses_recognition_and_creates_nothing(tmp_path, sqlite_url):
    svc = db.init_db(sqlite_url, always_open=True)
    missing = tmp_path / "nowhere" / "visitor.key"
    with pytest.raises(KeyFileError) as info:
        VisitorStore(svc, missing)
    assert "kiosk-admin init" in str(info.value) and "not found" in str(info.value)
    assert not missing.exists() and not missing.parent.exists()
    env_key = tmp_path / "cli.key"
    r = admin(sqlite_url, "face", "forget", "1", env={"KIOSK_KEY_FILE": str(env_key)})
    assert r.returncode == 3 and "kiosk-admin init" in r.stderr and "Traceback" not in r.stderr
    assert not env_key.exists()
    r = admin(sqlite_url, "init", "--always-open", env={"KIOSK_KEY_FILE": str(env_key)})
    assert r.returncode == 0 and env_key.exists() and _mode(env_key) == 0o600   # only init makes it
    svc.close()


def test_visitor_ids_are_never_reused(queue_and_store):
    _, store = queue_and_store
    first = store.create_visitor(store.record_consent(True, "kiosk-1"))
    assert store.forget(first, actor="kiosk-1")
    second = store.register_from_cccd(parse_cccd(PAYLOAD), store.record_consent(True, "kiosk-1"))
    assert second > first                   # the newest id was deleted, yet it is not given again
    store.forget(second, actor="kiosk-1")
    assert store.create_visitor(store.record_consent(True, "kiosk-1")) > second


def _scan_sqlite(url: str) -> bytes:
    path = url.removeprefix("sqlite:///")
    return b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))


def _pg_dump(url: str) -> bytes | None:
    """The schema's data as pg_dump writes it (None without pg_dump on this machine)."""
    import shutil
    import subprocess

    from sqlalchemy.engine import make_url
    if shutil.which("pg_dump") is None:
        return None
    u = make_url(url)
    schema = u.query["options"].split("=", 1)[1]
    conninfo = u.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    return subprocess.run(["pg_dump", "--data-only", "--schema", schema, conninfo], capture_output=True,
                          check=True, timeout=60).stdout


def test_forget_scrubs_the_visitor_from_tickets_and_events(queue_and_store, db_url):
    svc, store = queue_and_store
    vid = store.register_from_cccd(parse_cccd(PAYLOAD), store.record_consent(True, "kiosk-1"))
    keep = store.register_from_cccd(parse_cccd(OTHER), store.record_consent(True, "kiosk-1"))
    mine = svc.issue("HT", visitor=vid, kiosk="kiosk-1").ticket
    svc.record_print(mine.label, "printed")
    theirs = svc.issue("HT", visitor=keep, kiosk="kiosk-1").ticket
    svc.call_next(1)
    svc.finish(1)
    marker = f'"visitor_id": {vid}'
    assert any(marker in json.dumps(e.payload) for e in svc.events())

    assert store.forget(vid, actor="counter 1: Lan")
    events = svc.events()
    assert not any(f'"visitor_id": {vid},' in json.dumps(e.payload) or f'"visitor_id": {vid}}}' in
                   json.dumps(e.payload) for e in events)
    assert [e.kind for e in events if e.ticket_label == mine.label] == ["issued", "printed", "called", "finished"]
    assert svc.ticket(mine.label).visitor_id is None and svc.ticket(mine.label).status == "done"  # statistics stay
    assert svc.ticket(theirs.label).visitor_id == keep                                         # others untouched
    assert any(e.payload.get("ticket", {}).get("visitor_id") == keep for e in events)
    with svc.session() as s:   # straight from the stored text, not through the JSON decoder
        stored = [r[0] for r in s.execute(text("SELECT CAST(payload AS TEXT) FROM events"))]
    assert not any(f'"visitor_id": {vid},' in p or f'"visitor_id": {vid}}}' in p for p in stored)
    raw = _scan_sqlite(db_url) if db_url.startswith("sqlite") else _pg_dump(db_url)
    if raw is not None:                      # not even the overwritten bytes remain in the file or its WAL
        for secret in ("001099012345", "Nguyễn Văn An", f'"visitor_id": {vid},', f'"visitor_id": {vid}}}'):
            assert secret.encode() not in raw, secret
        assert f'"visitor_id": {keep},'.encode() in raw or f'"visitor_id": {keep}}}'.encode() in raw


def test_audit_log_is_append_only_and_hash_chained(queue_and_store, db_url):
    svc, store = queue_and_store
    vid = store.register_from_cccd(parse_cccd(PAYLOAD), store.record_consent(True, "kiosk-1"))
    store.audit("counter_view", "Lan", vid, "quầy 1")
    store.forget(vid, actor="kiosk-1")
    check = store.verify_audit()
    assert check.ok and check.entries == 4 and check.problems == ()
    for sql in ("UPDATE privacy_audit SET actor = 'someone else'", "DELETE FROM privacy_audit"):
        with pytest.raises(DBAPIError) as info:
            with svc.engine.begin() as conn:
                conn.execute(text(sql))
        assert "append-only" in str(info.value)
    assert store.verify_audit().entries == 4

    with svc.engine.begin() as conn:          # someone with the power to drop the trigger edits an entry
        if svc.is_postgres:
            conn.execute(text("ALTER TABLE privacy_audit DISABLE TRIGGER privacy_audit_no_change"))
        else:
            conn.execute(text("DROP TRIGGER privacy_audit_no_update"))
        conn.execute(text("UPDATE privacy_audit SET actor = 'nobody' WHERE action = 'counter_view'"))
    broken = store.verify_audit()
    assert not broken.ok and any("sửa" in p and "changed" in p for p in broken.problems)
    if not svc.is_postgres:
        r = admin(db_url, "privacy", "verify-audit")
        assert r.returncode == 1 and "TAMPERED" in r.stderr


def test_verify_audit_command_on_an_intact_log(queue_and_store, db_url):
    _, store = queue_and_store
    store.create_visitor(store.record_consent(True, "kiosk-1"))
    r = admin(db_url, "privacy", "verify-audit")
    assert r.returncode == 0 and "2 mục" in r.stdout, r.stderr


def _migrate(url: str, target: str, downgrade: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    from db.engine import make_engines
    engine, reader = make_engines(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if downgrade else command.upgrade)(cfg, target)
    finally:
        engine.dispose()
        reader.dispose()


def test_migration_0005_chains_old_entries_and_remembers_old_ids(queue_and_store, db_url):
    from sqlalchemy import inspect

    from db.models import Base
    svc, store = queue_and_store
    old = store.create_visitor(store.record_consent(True, "kiosk-1"))
    store.forget(old, actor="kiosk-1")
    _migrate(db_url, "0004_reliability", downgrade=True)         # a register from before this revision
    with svc.engine.begin() as conn:
        conn.execute(text("DELETE FROM privacy_audit WHERE action = 'consent'"))   # no trigger back then
        assert "prev_hash" not in {c["name"] for c in inspect(conn).get_columns("privacy_audit")}
    _migrate(db_url, "head")
    insp = inspect(svc.engine)
    for table in ("offices", "sign_in_guards", "id_allocations", "privacy_audit"):
        assert {c["name"] for c in insp.get_columns(table)} == set(Base.metadata.tables[table].columns.keys())
    check = store.verify_audit()
    assert check.ok and check.entries == 2                       # the entries found were chained
    assert store.create_visitor(store.record_consent(True, "kiosk-1")) > old   # the audit remembered the id
    assert store.verify_audit().ok
