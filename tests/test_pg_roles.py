"""Least privilege on PostgreSQL: the programs work under their own roles, and the kiosk and board roles
cannot read officers' PIN hashes nor the visitor register. Roles get a unique prefix and are dropped after."""
from __future__ import annotations

import uuid
from contextlib import closing

import psycopg
import pytest
from sqlalchemy.engine import make_url

import db
from core.visitors.cccd import parse_cccd
from core.visitors.store import VisitorStore, create_key_file
from db.catalogue import DEFAULT_CATALOGUE
from db.roles import KINDS, role_statements

PAYLOAD = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Hà Đông|20052021"


@pytest.fixture
def roles(pg_url):
    """(owner service, {kind: url as that role}); the roles are created by kiosk-admin init --roles."""
    from tests.admin_support import admin
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    r = admin(pg_url, "init", "--always-open", "--no-key", "--roles", "--role-prefix", prefix)
    assert r.returncode == 0, r.stderr
    owner = db.open_queue(pg_url)
    owner.add_officer("Nguyễn Thị Lan", "482913")
    urls = {k: make_url(pg_url).set(username=f"{prefix}{k}").render_as_string(hide_password=False) for k in KINDS}
    yield owner, urls
    owner.close()
    base = make_url(pg_url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(base, autocommit=True) as conn:
        for k in KINDS:
            conn.execute(f"DROP OWNED BY {prefix}{k}")
            conn.execute(f"DROP ROLE {prefix}{k}")


def _refused(url: str, sql: str) -> bool:
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        try:
            conn.execute(sql)
        except psycopg.errors.InsufficientPrivilege:
            return True
    return False


def test_each_program_works_under_its_role_and_no_further(roles, tmp_path):
    owner, urls = roles
    kiosk = db.open_queue(urls["kiosk"])
    issued = kiosk.issue("HT", kiosk="kiosk-1")
    kiosk.record_print(issued.label, "printed")
    kiosk.report_kiosk_problem("kiosk-1", "no_key", "key file not found")   # tells the counters
    assert {f.code for f in kiosk.fields()} >= {"HT"} and kiosk.counters()
    for sql in ("SELECT pin_hash FROM officers", "SELECT * FROM visitors", "SELECT * FROM visitor_identities",
                "SELECT * FROM face_templates", "SELECT * FROM privacy_audit",
                "UPDATE counters SET paused = true", "DELETE FROM events"):
        assert _refused(urls["kiosk"], sql), sql
    assert not _refused(urls["kiosk"], "SELECT name FROM officers")   # names are on the board anyway

    counter = db.open_queue(urls["counter"])
    assert counter.sign_in(1, "Nguyễn Thị Lan", "482913").name == "Nguyễn Thị Lan"
    assert counter.call_next(1).label == issued.label
    counter.finish(1)
    # the citizen-facing rating window and the leader's statistics run under the counter role
    assert counter.rate(issued.label, 1, counter=1).ticket_label == issued.label
    from db.stats import report
    day = issued.ticket.service_day
    assert report(counter, day, day).summary.ratings == 1
    assert not _refused(urls["kiosk"], "SELECT count(*) FROM ratings")   # one rating per ticket, checked
    counter.change_pin("Nguyễn Thị Lan", "482913", "905127")
    for sql in ("SELECT * FROM visitors", "DELETE FROM tickets", "INSERT INTO offices (code) VALUES ('X')"):
        assert _refused(urls["counter"], sql), sql
    changed = tmp_path / "catalogue.toml"    # a counter PC cannot change the catalogue, even claiming 'admin'
    changed.write_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8").replace(
        'name_vi = "Hộ tịch"', 'name_vi = "Hộ tịch và chứng thực"'), encoding="utf-8")
    with pytest.raises(Exception) as info:
        counter.load_catalogue(db.load_catalogue_file(changed), actor="admin", always_open=True)
    assert "42501" in str(info.value), info.value        # insufficient_privilege
    assert next(f for f in owner.fields() if f.code == "HT").name_vi == "Hộ tịch"
    assert not [e for e in owner.events() if e.kind == "catalogue_loaded"]

    board = db.open_queue(urls["board"])
    snap = board.snapshot()
    assert snap.counters[0].counter.officer_name == "Nguyễn Thị Lan" and snap.recent_calls
    with board.follow(since=0) as feed:
        assert any(e.kind == "called" for e in feed.poll(timeout=2))
    for sql in ("SELECT pin_hash FROM officers", "SELECT * FROM visitors", "INSERT INTO events DEFAULT VALUES",
                "UPDATE tickets SET status = 'done'"):
        assert _refused(urls["board"], sql), sql

    register = db.open_queue(urls["register"])       # recognition: the register role, on the same data
    key = tmp_path / "visitor.key"
    create_key_file(key)
    store = VisitorStore(register, key)
    vid = store.register_from_cccd(parse_cccd(PAYLOAD), store.record_consent(True, "kiosk-1"))
    assert store.forget(vid, actor="kiosk-1") and store.verify_audit().ok
    # the deletion's event reaches the roles that follow the feed, and tells them a bare number: the
    # register (who it was, when seen, the audit) stays out of their reach
    for kind in ("kiosk", "board"):
        with closing(db.open_queue(urls[kind])) as svc:
            forgotten = [e for e in svc.events(0) if e.kind == "visitors_forgotten"]
            assert [e.payload for e in forgotten] == [{"visitors": [vid]}]
            assert (forgotten[0].ticket_label, forgotten[0].counter_number, forgotten[0].field_code) == (None,) * 3
        assert _refused(urls[kind], f"SELECT * FROM privacy_audit WHERE visitor_id = {vid}")
        assert _refused(urls[kind], "SELECT * FROM consent_records")
    assert _refused(urls["register"], "UPDATE privacy_audit SET actor = 'x'")   # append-only for it too
    assert _refused(urls["register"], "SELECT pin_hash FROM officers")
    for svc in (kiosk, counter, board, register):
        svc.close()


def test_init_gives_the_program_roles_the_deadlines(roles):
    """A tool that connects as a program role without db.engine (psql, a script) still has the deadlines:
    a stalled session of it cannot keep the queue's rows locked beyond 5 s."""
    _owner, urls = roles
    want = {"statement_timeout": "3500", "lock_timeout": "2500", "idle_in_transaction_session_timeout": "5000",
            "tcp_user_timeout": "4000", "tcp_keepalives_idle": "5"}
    for kind in ("kiosk", "counter", "board", "register"):
        conninfo = make_url(urls[kind]).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo) as conn:
            got = dict(conn.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
                                    (list(want),)).fetchall())
        assert got == want, kind
    admin_info = make_url(urls["admin"]).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_info) as conn:                # migrations may run longer than 3.5 s
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "0"


def test_roles_sql_is_printed_without_changing_anything(pg_url):
    from tests.admin_support import admin
    r = admin(pg_url, "init", "--roles-sql", "--role-prefix", "x_", "--schema", "queue")
    assert r.returncode == 0 and "CREATE ROLE x_kiosk LOGIN" in r.stdout
    assert "GRANT SELECT (id, office_id, name, role, active) ON officers TO x_kiosk" in r.stdout
    assert "GRANT SELECT ON officers TO x_counter" in r.stdout
    assert "ALTER ROLE x_kiosk SET idle_in_transaction_session_timeout = '5000ms'" in r.stdout
    assert not any("x_kiosk" in s and "visitor" in s for s in role_statements("x_", "queue"))
    base = make_url(pg_url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(base) as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'x\\_%'").fetchone()[0] == 0
