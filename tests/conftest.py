"""Shared fixtures. Qt runs offscreen; PostgreSQL tests use KIOSK_TEST_PG_URL (a fresh schema per test)."""
from __future__ import annotations

import datetime as dt
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("KIOSK_TEST_PG_URL", "")
PG_SKIP_REASON = "PostgreSQL not configured: set KIOSK_TEST_PG_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
VN = dt.timezone(dt.timedelta(hours=7))
# A Monday 09:00 in Hà Nội: inside the catalogue's opening hours.
MONDAY_9AM = dt.datetime(2026, 11, 23, 9, 0, tzinfo=VN)


def _pg_schema_url(schema: str, base_url: str = PG_URL) -> str:
    from sqlalchemy.engine import make_url
    url = make_url(base_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@contextmanager
def pg_schema(base_url: str = PG_URL):
    """The one PostgreSQL isolation scheme: a URL whose search_path is a fresh, empty schema, dropped after."""
    import psycopg
    from sqlalchemy.engine import make_url
    base = make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _pg_schema_url(schema, base_url)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search_path is a fresh, empty schema (dropped afterwards)."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must set KIOSK_TEST_PG_URL so the PostgreSQL tests run")
        pytest.skip(PG_SKIP_REASON)
    with pg_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'queue.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def clock():
    from db import FixedClock
    return FixedClock(MONDAY_9AM)


@pytest.fixture
def queue(db_url, clock):
    """A migrated queue with the catalogue loaded, at Monday 09:00."""
    from db import init_db
    svc = init_db(db_url, clock=clock)
    svc.default_actor = "admin:tests"   # staff operations without signing an officer in (tests of the queue)
    yield svc
    svc.close()


@pytest.fixture
def open_queue(db_url):
    """A migrated queue open around the clock, for tests where other processes use the system clock."""
    from db import init_db
    svc = init_db(db_url, always_open=True)
    svc.default_actor = "admin:tests"
    yield svc
    svc.close()


@pytest.fixture
def ready_db(sqlite_url, clock):
    """A migrated SQLite queue at Monday 09:00 (the kiosk tests)."""
    from db import init_db
    init_db(sqlite_url, clock=clock).close()
    return sqlite_url


@pytest.fixture
def start_kiosk(qtbot, tmp_path, clock):
    """start(url, size=..., **settings) -> a kiosk window built by its composition root; all shut down after."""
    from kiosk.app import create_window
    from tests.kiosk_support import kiosk_config
    windows = []

    def start(url: str, size=(1080, 1920), refresh_ms: int | None = None, **settings):
        options = {"refresh_ms": refresh_ms} if refresh_ms is not None else {}   # the home refresh period
        w = create_window(kiosk_config(tmp_path, url, **settings), clock=clock, retry_ms=100, **options)
        qtbot.addWidget(w)                             # deleted at teardown, not at interpreter exit
        windows.append(w)
        w.resize(*size)
        w.show()
        return w

    yield start
    for w in windows:
        w.shutdown()


@pytest.fixture
def office(queue, clock):
    """The statistics tests' two-day office (tests/stats_scene.py), on SQLite and PostgreSQL."""
    from tests.stats_scene import build_office
    return build_office(queue, clock)


@pytest.fixture
def db(sqlite_url, clock):
    """A migrated SQLite queue at Monday 09:00 (the face tests)."""
    from db import init_db
    init_db(sqlite_url, clock=clock).close()
    return sqlite_url


@pytest.fixture
def store(db, tmp_path):
    """A real VisitorStore on ``db`` with a fresh key."""
    from core.visitors.store import VisitorStore
    from db.engine import make_engines
    write, read = make_engines(db)                     # as the kiosk opens it: reads never take the write lock
    yield VisitorStore(write, tmp_path / "keys" / "visitor.key", read_engine=read, create_key=True)
    write.dispose()
    read.dispose()


@pytest.fixture
def kiosk(qtbot, tmp_path, clock, db, store):
    """start(recognizer=None) -> (window, flow): the real window with the face screens attached."""
    from core.visitors.flow import FaceFlow
    from core.visitors.recognition import Recognizer
    from kiosk.app import create_window
    from kiosk.ui.face_screens import attach_face
    from tests.face_support import settle
    from tests.kiosk_support import kiosk_config, wait_home
    windows = []

    def start(recognizer: Recognizer | None = None, lang: str = "vi", build=None):
        w = create_window(kiosk_config(tmp_path, db, language=lang), clock=clock, retry_ms=100)
        windows.append(w)
        if build is not None:                         # the flow is made on the visitor worker thread
            w.face = attach_face(w, build=build)
            qtbot.waitUntil(lambda: w.face.ready, timeout=15_000)
        else:
            flow = FaceFlow(store, recognizer or Recognizer(store), "kiosk-1", retention_months=12)
            w.face = attach_face(w, flow=flow)        # what kiosk/app.py does when cfg.face_enabled
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        settle(w)
        return w, getattr(w.face, "flow", None)

    yield start
    for w in windows:
        w.shutdown()
