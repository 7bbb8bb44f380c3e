"""Visitor store on a real SQLite file: consent first, encryption at rest, deletion, retention, audit."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from db.models import Base, Visitor
from db.privacy_models import ConsentRecord, FaceTemplate, VisitorIdentity
from core.visitors.cccd import parse_cccd
from core.visitors.store import (CONSENT_VERSION, ConsentRequired, KeyFileError, PrivacyError,
                           VisitorStore, consent_text)

PAYLOAD = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Hà Đông|20052021"


@pytest.fixture
def engine(db_url):
    """A bare engine on SQLite (WAL) or on the test's own PostgreSQL schema (conftest's db_url)."""
    if db_url.startswith("sqlite"):
        eng = create_engine(db_url)
        with eng.connect() as c:
            c.exec_driver_sql("PRAGMA journal_mode=WAL")
    else:
        eng = create_engine(db_url)
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def store(engine, tmp_path) -> VisitorStore:
    return VisitorStore(engine, tmp_path / "keys" / "visitor.key", create_key=True)


def templates(n: int, seed: int = 0) -> list[np.ndarray]:
    return list(np.random.default_rng(seed).normal(0, 0.1, (n, 128)).astype(np.float32))


def test_consent_text_is_versioned_in_both_languages() -> None:
    assert CONSENT_VERSION and consent_text("vi") != consent_text("en")
    vi = consent_text("vi", months=12)
    assert "12 tháng" in vi and "Xóa dữ liệu của tôi" in vi and "không lưu ảnh" in vi
    assert "12 months" in consent_text("en", months=12)


def test_no_template_without_consent(store: VisitorStore, engine) -> None:
    with Session(engine) as s, s.begin():
        s.add(Visitor(id=7, created_at=dt.datetime.now(dt.timezone.utc)))
    with pytest.raises(ConsentRequired):
        store.add_templates(7, templates(1))
    refused = store.record_consent(False, "kiosk-1")
    with pytest.raises(ConsentRequired):
        store.create_visitor(refused)
    with pytest.raises(ConsentRequired):
        store.register_from_cccd(parse_cccd(PAYLOAD), refused)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(FaceTemplate)) == 0
        assert s.scalar(select(func.count()).select_from(VisitorIdentity)) == 0
        rec = s.get(ConsentRecord, refused)
        assert rec.granted is False and rec.kiosk_id == "kiosk-1" and rec.text_version == CONSENT_VERSION


def test_register_find_greet_and_templates_round_trip(store: VisitorStore) -> None:
    consent = store.record_consent(True, "kiosk-1")
    vid = store.register_from_cccd(parse_cccd(PAYLOAD), consent)
    assert store.find_by_id_number("001099012345") == vid
    assert store.find_by_id_number("001099012346") is None
    # the same card again -> the same visitor
    assert store.register_from_cccd(parse_cccd(PAYLOAD), store.record_consent(True, "kiosk-2")) == vid
    store.record_visit(vid, "HT")
    greeting = store.greeting(vid)
    assert store.greeting_name(vid) == "bác An"
    assert greeting.text() == "Chào mừng bác An quay lại" and greeting.last_field_code == "HT"
    assert "001099012345" not in repr(greeting)
    sent = templates(7)
    assert store.add_templates(vid, sent, keep_newest=5) == 7
    got, labels = store.templates_for([vid])
    assert len(got) == 5 and set(labels.tolist()) == {vid}
    assert np.allclose(sorted(map(tuple, got)), sorted(map(tuple, sent[-5:])))   # the newest five kept
    assert vid in store.recent_visitor_ids(1)


def test_encrypted_columns_are_unreadable_without_the_key(store: VisitorStore, engine, tmp_path) -> None:
    vid = store.register_from_cccd(parse_cccd(PAYLOAD), store.record_consent(True, "kiosk-1"))
    sent = templates(1)[0]
    store.add_templates(vid, [sent])
    with engine.connect() as c:
        blobs = [bytes(r[0]) for r in c.execute(text("SELECT identity_enc FROM visitor_identities"))]
        blobs += [bytes(r[0]) for r in c.execute(text("SELECT template_enc FROM face_templates"))]
        hashes = [r[0] for r in c.execute(text("SELECT id_number_hash FROM visitor_identities"))]
    raw = b"".join(blobs)
    for secret in ("001099012345", "Nguyễn Văn An", "1999-03-15"):
        assert secret.encode() not in raw
    assert sent.tobytes() not in raw and "001099012345" not in hashes[0]
    other = VisitorStore(engine, tmp_path / "other.key", create_key=True)        # a different key cannot read them
    with pytest.raises(KeyFileError):
        other.identity(vid)
    with pytest.raises(KeyFileError):
        other.templates_for()
    assert other.find_by_id_number("001099012345") is None
    with pytest.raises(KeyFileError):
        VisitorStore(engine, tmp_path / "absent.key", create_key=False)


def test_key_file_is_private_and_reused(tmp_path, engine) -> None:
    key = tmp_path / "k" / "visitor.key"
    a = VisitorStore(engine, key, create_key=True)
    vid = a.register_from_cccd(parse_cccd(PAYLOAD), a.record_consent(True, "k"))
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert VisitorStore(engine, key).identity(vid).full_name == "Nguyễn Văn An"


def test_forget_leaves_nothing_behind(store: VisitorStore, engine, tmp_path) -> None:
    consent = store.record_consent(True, "kiosk-1")
    vid = store.register_from_cccd(parse_cccd(PAYLOAD), consent)
    store.add_templates(vid, templates(3))
    with engine.connect() as c:
        blobs = [bytes(r[0]) for r in c.execute(text("SELECT template_enc FROM face_templates"))]
        blobs.append(bytes(c.execute(text("SELECT identity_enc FROM visitor_identities")).scalar()))
    keeper = store.register_from_cccd(parse_cccd(PAYLOAD.replace("001099012345", "079301004567")),
                                      store.record_consent(True, "kiosk-1"))
    assert store.forget(vid, actor="kiosk-1") is True
    with Session(engine) as s:
        assert s.get(Visitor, vid) is None and s.get(VisitorIdentity, vid) is None
        assert s.scalar(select(func.count()).select_from(FaceTemplate).where(FaceTemplate.visitor_id == vid)) == 0
        rec = s.get(ConsentRecord, consent)       # the proof of consent stays, unlinked and withdrawn
        assert rec.visitor_id is None and rec.withdrawn_at is not None
    assert store.find_by_id_number("001099012345") is None and store.greeting(vid) is None
    assert store.find_by_id_number("079301004567") == keeper
    if engine.dialect.name == "sqlite":          # not even the deleted bytes remain in the files
        files = [p for p in tmp_path.iterdir() if p.name.startswith("queue.sqlite3")]
        raw = b"".join(p.read_bytes() for p in files)
        for blob in blobs:
            assert blob[13:45] not in raw
    log = store.audit_log()
    assert log[0].action == "forget" and log[0].visitor_id == vid and log[0].actor == "kiosk-1"
    assert store.forget(vid, actor="counter") is False


def test_purge_removes_only_visitors_not_seen_for_n_months(store: VisitorStore, engine) -> None:
    old = store.create_visitor(store.record_consent(True, "kiosk-1"))
    recent = store.create_visitor(store.record_consent(True, "kiosk-1"))
    store.add_templates(old, templates(2))
    store.add_templates(recent, templates(2, seed=1))
    with Session(engine) as s, s.begin():
        s.get(Visitor, old).last_seen_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)
    assert store.purge(12) == 1
    _, labels = store.templates_for()
    assert set(labels.tolist()) == {recent}
    assert store.audit_log()[0].action == "purge"
    with pytest.raises(PrivacyError):
        store.purge(0)


def test_birth_date_second_factor_is_compared_in_the_store(store: VisitorStore) -> None:
    a = store.register_from_cccd(parse_cccd(PAYLOAD), store.record_consent(True, "k"))          # 15/03/1999
    b = store.register_from_cccd(parse_cccd(
        "079301004567||Trần Thị Bích Ngọc|09072001|Nữ|TP. Hồ Chí Minh|12042022"), store.record_consent(True, "k"))
    face_only = store.create_visitor(store.record_consent(True, "k"))
    assert store.match_birth_date([a, b, face_only], dt.date(2001, 7, 9)) == [b]   # ids only, never a date
    assert store.match_birth_date([a, b], dt.date(2001, 9, 7)) == []               # day and month swapped
    assert store.match_birth_date([a, b], dt.date(2000, 7, 9)) == []               # another year
    assert store.match_birth_date([a], dt.date(2001, 7, 9)) == []                  # not shortlisted
    assert store.has_birth_date([face_only, b]) and not store.has_birth_date([face_only])


def test_migrations_create_the_privacy_tables_and_the_store_runs_on_the_queue(tmp_path) -> None:
    import db
    from sqlalchemy import inspect

    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    service = db.init_db(url)
    tables = set(inspect(service.engine).get_table_names())
    assert {"visitor_identities", "face_templates", "consent_records", "privacy_audit"} <= tables
    store = VisitorStore(db.open_queue(url), tmp_path / "visitor.key", create_key=True)
    vid = store.register_from_cccd(parse_cccd(PAYLOAD), store.record_consent(True, "kiosk-1"))
    store.add_templates(vid, templates(2))
    assert store.forget(vid, actor="counter:1") and store.templates_for()[0].shape == (0, 128)
    for table in ("visitor_identities", "face_templates", "consent_records", "privacy_audit"):
        cols = {c["name"] for c in inspect(service.engine).get_columns(table)}
        assert cols == set(Base.metadata.tables[table].columns.keys())   # migration matches the models
