"""Who may do what: sign-in that resists guessing, staff actions that name their actor, PIN rules.
On SQLite and PostgreSQL, with the injectable clock (no waiting)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import db
from db.auth import LockoutPolicy, PinGuard, check_new_pin, hash_pin

LAN, PIN = "Nguyễn Thị Lan", "482913"


@pytest.fixture
def svc(db_url, clock):
    """A queue where nobody acts without signing in (no default actor)."""
    s = db.init_db(db_url, clock=clock)
    s.add_officer(LAN, PIN)
    s.add_officer("Trần Văn Bình", "739164")
    yield s
    s.close()


def _wrong(svc, clock, n, counter=1, name=LAN):
    """n wrong PINs, each after the growing wait has passed; returns the last refusal."""
    err = None
    for i in range(n):
        with pytest.raises(db.AuthError) as info:
            svc.sign_in(counter, name, f"{100000 + i}")
        err = info.value
        clock.advance(seconds=10)
    return err


def _events(svc, *kinds):
    return [e for e in svc.events() if e.kind in kinds]


def test_five_wrong_pins_lock_the_officer_and_the_right_pin_is_refused(svc, clock):
    err = _wrong(svc, clock, 4)
    assert not isinstance(err, db.LockedOut) and "còn 1 lần thử" in err.message_vi
    with pytest.raises(db.LockedOut) as locked:
        svc.sign_in(1, LAN, "999999")
    assert "tạm khóa" in locked.value.message_vi and "5 phút" in locked.value.message_vi
    assert "5 minutes" in locked.value.message_en and locked.value.retry_after_s == 300
    clock.advance(minutes=4)
    with pytest.raises(db.LockedOut) as still:       # the right PIN, still locked
        svc.sign_in(1, LAN, PIN)
    assert "1 phút" in still.value.message_vi
    assert svc.counters()[0].officer_name is None
    clock.advance(minutes=1, seconds=1)
    assert svc.sign_in(1, LAN, PIN).name == LAN      # the lockout ended
    # the supervisor sees what happened
    failed = _events(svc, "sign_in_failed")
    assert len(failed) == 5 and failed[-1].payload["failures"] == 5 and failed[-1].counter_number == 1
    locked_ev = _events(svc, "sign_in_locked")
    assert len(locked_ev) == 1 and locked_ev[0].payload["officer"] == LAN


def test_the_lockout_is_in_the_database_not_in_the_process(svc, clock, db_url):
    _wrong(svc, clock, 5)
    other = db.open_queue(db_url, clock=clock)       # another window, another process: still locked
    try:
        with pytest.raises(db.LockedOut):
            other.sign_in(2, LAN, PIN)               # at another counter too (counted per officer)
        assert other.sign_in(2, "Trần Văn Bình", "739164").name == "Trần Văn Bình"
    finally:
        other.close()


def test_guessing_names_at_one_counter_locks_the_counter(svc, clock):
    for name in ["An", "Bảo", "Chi", "Dũng", "Giang"]:
        with pytest.raises(db.AuthError):
            svc.sign_in(3, name, "123456")
        clock.advance(seconds=10)
    with pytest.raises(db.LockedOut) as info:
        svc.sign_in(3, LAN, PIN)                     # right name and PIN, but this counter is locked
    assert "ở quầy này" in info.value.message_vi
    assert svc.sign_in(4, LAN, PIN).name == LAN      # elsewhere the officer signs in


def test_growing_wait_between_wrong_pins_and_longer_second_lockout(svc, clock):
    with pytest.raises(db.AuthError):
        svc.sign_in(1, LAN, "111112")
    with pytest.raises(db.AuthError) as second:      # no wait after the first failure
        svc.sign_in(1, LAN, "111113")
    assert not isinstance(second.value, db.LockedOut)
    with pytest.raises(db.LockedOut) as wait:        # after the second: 1 s before any PIN is checked
        svc.sign_in(1, LAN, PIN)
    assert "Hãy chờ 1 giây" in wait.value.message_vi and "Wait 1 second" in wait.value.message_en
    assert len(_events(svc, "sign_in_failed")) == 2   # the refused try was not even checked
    clock.advance(seconds=10)
    _wrong(svc, clock, 3)                            # 5 in a row: locked 5 minutes
    clock.advance(minutes=6)
    with pytest.raises(db.LockedOut) as again:       # one more wrong PIN after the lock: 10 minutes
        svc.sign_in(1, LAN, "222223")
    assert again.value.retry_after_s == 600


def test_success_clears_the_count_and_the_office_sets_the_rule(svc, clock):
    _wrong(svc, clock, 4)
    svc.sign_in(1, LAN, PIN)
    _wrong(svc, clock, 4)                            # counting starts again: not locked
    assert svc.sign_in(1, LAN, PIN).name == LAN
    with svc.session() as s:
        office = s.scalars(select(db.models.Office)).one()
        office.sign_in_max_failures, office.sign_in_lockout_minutes = 3, 30
    err = _wrong(svc, clock, 3)
    assert isinstance(err, db.LockedOut) and err.retry_after_s == 30 * 60


def test_supervisor_unlocks(svc, clock):
    _wrong(svc, clock, 5)
    assert svc.unlock_sign_in(officer=LAN, actor="officer:Trần Văn Bình") >= 1
    clock.advance(seconds=10)
    with pytest.raises(db.LockedOut):                # the counter's own count was not cleared
        svc.sign_in(1, LAN, PIN)
    svc.unlock_sign_in(counter=1)
    assert svc.sign_in(1, LAN, PIN).name == LAN
    ev = _events(svc, "sign_in_unlocked")
    assert ev[0].payload["actor"] == "officer:Trần Văn Bình" and ev[1].payload["actor"] == "admin"


def test_new_pins_need_six_digits_old_four_digit_pins_must_change(svc, clock):
    for weak in ("1234", "12345", "111111", "123456", "654321", "12a456", ""):
        with pytest.raises(db.WeakPin):
            svc.add_officer("Lê Văn Cường", weak)
    assert check_new_pin(" 482913 ") == "482913"
    with svc.session() as s:                         # an officer added before PINs had 6 digits
        office = s.scalars(select(db.models.Office)).one()
        s.add(db.models.Officer(office_id=office.id, name="Cũ", pin_hash=hash_pin("4321"), role="officer"))
    who = svc.sign_in(2, "Cũ", "4321")
    assert who.must_change_pin and _events(svc, "signed_in")[-1].payload["must_change_pin"] is True
    assert not svc.sign_in(1, LAN, PIN).must_change_pin
    with pytest.raises(db.WeakPin):
        svc.change_pin("Cũ", "4321", "5678")
    with pytest.raises(db.AuthError):
        svc.change_pin("Cũ", "0000", "905127")       # the old PIN is checked (and counted)
    assert _events(svc, "sign_in_failed")[-1].payload["officer"] == "Cũ"
    svc.change_pin("Cũ", "4321", "905127")
    clock.advance(seconds=10)
    assert not svc.sign_in(2, "Cũ", "905127").must_change_pin
    with pytest.raises(db.AuthError):
        svc.sign_in(3, "Cũ", "4321")                 # the old PIN no longer works


STAFF_OPS = {
    "call_next": lambda s, **kw: s.call_next(1, **kw),
    "recall": lambda s, **kw: s.recall(1, **kw),
    "start": lambda s, **kw: s.start(1, **kw),
    "finish": lambda s, **kw: s.finish(1, **kw),
    "no_show": lambda s, **kw: s.no_show(1, **kw),
    "call_ticket": lambda s, **kw: s.call_ticket(1, "A001", **kw),
    "reactivate": lambda s, **kw: s.reactivate("A001", **kw),
    "transfer": lambda s, **kw: s.transfer("A001", "CT", **kw),
    "pause": lambda s, **kw: s.pause(1, **kw),
    "resume": lambda s, **kw: s.resume(1, **kw),
}


@pytest.mark.parametrize("op", sorted(STAFF_OPS))
def test_staff_actions_without_a_signed_in_officer_are_refused(svc, op):
    svc.issue("HT")
    before = len(svc.events())
    with pytest.raises(db.NotSignedIn) as info:
        STAFF_OPS[op](svc)
    assert "chưa có cán bộ đăng nhập" in info.value.message_vi and "No officer signed in" in info.value.message_en
    assert len(svc.events()) == before and svc.current(1) is None


def test_actions_name_the_signed_in_officer_or_the_explicit_actor(svc):
    a = svc.issue("HT").label
    svc.sign_in(1, LAN, PIN)
    assert svc.call_next(1).officer_name == LAN
    assert _events(svc, "called")[-1].payload["actor"] == f"officer:{LAN}"
    svc.no_show(1)
    svc.reactivate(a, counter=1)
    assert _events(svc, "reactivated")[-1].payload["actor"] == f"officer:{LAN}"
    svc.sign_out(1)
    with pytest.raises(db.NotSignedIn):
        svc.call_next(1)
    assert svc.call_next(1, actor="admin").label == a             # kiosk-admin, explicitly
    assert _events(svc, "called")[-1].payload["actor"] == "admin"
    svc.recall(1, actor="officer:Trần Văn Bình")
    assert _events(svc, "recalled")[-1].payload["actor"] == "officer:Trần Văn Bình"
    with pytest.raises(db.NotFound):
        svc.finish(1, actor="officer:Không Có Ai")
    with pytest.raises(db.AuthError):
        svc.finish(1, actor="kiosk")
    finished = svc.finish(1, actor="admin:ops")
    assert finished.status == "done" and _events(svc, "finished")[-1].payload["actor"] == "admin:ops"


def test_kiosk_pin_pad_guard_policy():
    guard = PinGuard(LockoutPolicy(max_failures=5, lockout_minutes=5))
    now = 1000.0
    for _ in range(5):
        assert guard.refusal(now) is None
        guard.failed(now)
        now += 10
    refusal = guard.refusal(now)
    assert isinstance(refusal, db.LockedOut) and "tạm khóa" in refusal.message_vi
    assert guard.refusal(now + 5 * 60) is None
    guard.succeeded()
    assert guard.failures == 0


def test_only_an_admin_changes_the_catalogue(svc, db_url, tmp_path, capsys):
    """kiosk-admin catalogue load --officer NAME: a plain officer and a supervisor are refused in both
    languages and nothing changes; an officer of the admin role, or the administrator, changes it, and the
    event names who did."""
    import getpass

    from admin.cli import main
    from db.catalogue import DEFAULT_CATALOGUE
    svc.add_officer("Lê Văn Cường", "615283", role="supervisor")
    svc.add_officer("Phạm Thị Dung", "804617", role="admin")
    changed = tmp_path / "catalogue.toml"
    changed.write_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8").replace(
        'name_vi = "Hộ tịch"', 'name_vi = "Hộ tịch và chứng thực"'), encoding="utf-8")
    ht = lambda: next(f for f in svc.fields() if f.code == "HT").name_vi  # noqa: E731

    for who in (LAN, "Lê Văn Cường"):
        capsys.readouterr()
        assert main(["--db", db_url, "catalogue", "load", str(changed), "--officer", who]) == 1
        err = capsys.readouterr().err
        assert "không được thay đổi danh mục" in err and "may not change the catalogue" in err, err
        assert ht() == "Hộ tịch" and not _events(svc, "catalogue_loaded")
    with pytest.raises(db.NotAllowed):
        svc.load_catalogue(db.load_catalogue_file(changed), actor=f"officer:{LAN}")
    with pytest.raises(db.AuthError):
        svc.load_catalogue(db.load_catalogue_file(changed), actor="kiosk")
    assert ht() == "Hộ tịch"

    assert main(["--db", db_url, "catalogue", "load", str(changed), "--officer", "Phạm Thị Dung"]) == 0
    assert ht() == "Hộ tịch và chứng thực"
    [ev] = _events(svc, "catalogue_loaded")
    assert ev.payload["actor"] == "officer:Phạm Thị Dung" and "HT" in ev.payload["fields"]
    assert main(["--db", db_url, "catalogue", "load"]) == 0          # the administrator, back to the default
    assert ht() == "Hộ tịch"
    assert _events(svc, "catalogue_loaded")[-1].payload["actor"] == f"admin:{getpass.getuser()}"
    assert "catalogue loaded" in capsys.readouterr().out
