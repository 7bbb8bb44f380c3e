"""Who may do what (Qt-free): PIN rules, the guessing policy (growing delay, then lockout) and its errors.

One policy serves the officers' sign-in (failures counted in the database, per officer name and per counter,
see ``QueueService.sign_in``) and the kiosk's admin PIN pad (failures counted in memory, ``PinGuard``).

    failures 1, 2, 3, 4  -> the next try is accepted after 0, 1, 2, 4 s (growing delay)
    failure  5           -> locked for ``lockout_minutes`` (default 5); the right PIN is refused meanwhile
    failure  6, 7, ...   -> (each after the lock ended) locked for twice as long as the lock before, up to a day
A successful sign-in clears the count.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import QueueError

MIN_PIN_DIGITS = 6          # new PINs; existing shorter ones still sign in but must be changed
MAX_PIN_DIGITS = 12
DEFAULT_MAX_FAILURES = 5
DEFAULT_LOCKOUT_MINUTES = 5
MAX_LOCK = dt.timedelta(hours=24)

_hasher = PasswordHasher()


class AuthError(QueueError):
    """Wrong officer name or PIN, or no officer to act for."""


class LockedOut(AuthError):
    """Too many wrong PINs: no PIN is checked until ``until`` (also the right one)."""

    def __init__(self, message_vi: str, message_en: str, until: dt.datetime, seconds: int):
        super().__init__(message_vi, message_en)
        self.until = until
        self.retry_after_s = seconds


class NotSignedIn(AuthError):
    """A staff action at a counter where no officer is signed in (and no explicit actor was given)."""


class NotAllowed(AuthError):
    """The acting officer's role may not do this (e.g. a plain officer changing the catalogue)."""


# Who may change the catalogue (fields, procedures, counters, hours): the administrator at a terminal
# ("admin", "admin:LOGIN") or an officer with one of these roles. Statistics: counter_display.stats_model;
# visitor names: core.visitors.access.
CATALOGUE_ROLES = frozenset({"admin"})


class WeakPin(AuthError):
    """A new PIN that does not follow the rules (digits only, at least MIN_PIN_DIGITS, not trivial)."""


# ---------------------------------------------------------------------------- PINs
def hash_pin(pin: str) -> str:
    return _hasher.hash(pin)


def verify_pin(pin_hash: str | None, pin: str) -> bool:
    if not pin_hash:
        return False
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def check_new_pin(pin: str) -> str:
    """The PIN if it is acceptable for a new officer (or a change); else WeakPin in both languages."""
    pin = (pin or "").strip()
    if not (pin.isdigit() and pin.isascii() and MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS):
        raise WeakPin(f"Mã PIN phải gồm {MIN_PIN_DIGITS}–{MAX_PIN_DIGITS} chữ số",
                      f"The PIN must be {MIN_PIN_DIGITS}–{MAX_PIN_DIGITS} digits")
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        raise WeakPin("Mã PIN quá dễ đoán (các số giống nhau hoặc liên tiếp)",
                      "The PIN is too easy to guess (repeated or consecutive digits)")
    return pin


def must_change(pin: str) -> bool:
    """True for a PIN that signs in (an existing officer's) but is shorter than new PINs may be."""
    return len(pin) < MIN_PIN_DIGITS


# ---------------------------------------------------------------------------- the guessing policy
@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = DEFAULT_MAX_FAILURES
    lockout_minutes: int = DEFAULT_LOCKOUT_MINUTES

    def wait_after(self, failures: int) -> dt.timedelta:
        """How long no PIN is checked after the ``failures``-th failure in a row."""
        if failures < 2:
            return dt.timedelta(0)
        if failures < self.max_failures:
            return dt.timedelta(seconds=2 ** (failures - 2))
        lock = dt.timedelta(minutes=self.lockout_minutes) * 2 ** min(failures - self.max_failures, 16)
        return min(lock, MAX_LOCK)

    def locks(self, failures: int) -> bool:
        return failures >= self.max_failures


def wait_text(seconds: float) -> tuple[str, str]:
    """'4 phút' / '4 minutes', rounded up, for how long to wait."""
    s = max(1, math.ceil(seconds))
    if s < 60:
        return f"{s} giây", f"{s} second{'s' if s != 1 else ''}"
    m = math.ceil(s / 60)
    return f"{m} phút", f"{m} minute{'s' if m != 1 else ''}"


def locked_out(until: dt.datetime, now: dt.datetime, locked: bool, what_vi: str = "",
               what_en: str = "") -> LockedOut:
    """The refusal while a wait or a lockout runs, saying how long to wait."""
    seconds = max(1, math.ceil((until - now).total_seconds()))
    vi, en = wait_text(seconds)
    if locked:
        return LockedOut(f"Nhập sai mã PIN quá nhiều lần{what_vi}: tạm khóa, hãy thử lại sau {vi} "
                         "hoặc báo cán bộ phụ trách",
                         f"Too many wrong PINs{what_en}: locked, try again in {en} or ask the supervisor",
                         until, seconds)
    return LockedOut(f"Hãy chờ {vi} rồi nhập lại mã PIN", f"Wait {en} before trying the PIN again", until,
                     seconds)


class PinGuard:
    """The same policy counted in memory, for one PIN pad (the kiosk's admin exit). Times are monotonic
    seconds given by the caller, so it is testable without waiting."""

    def __init__(self, policy: LockoutPolicy | None = None):
        self.policy = policy or LockoutPolicy()
        self.failures = 0
        self.blocked_until = 0.0

    def refusal(self, now: float) -> LockedOut | None:
        """The LockedOut to show if no PIN may be checked now, else None."""
        if now >= self.blocked_until:
            return None
        base = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
        return locked_out(base + dt.timedelta(seconds=self.blocked_until - now), base,
                          self.policy.locks(self.failures))

    def failed(self, now: float) -> None:
        self.failures += 1
        self.blocked_until = now + self.policy.wait_after(self.failures).total_seconds()

    def succeeded(self) -> None:
        self.failures, self.blocked_until = 0, 0.0


class PinCheck:
    """One PIN — an argon2 hash (preferred) or a plain text — behind a PinGuard: the kiosk's admin exit.
    ``attempt`` returns None when accepted, else the refusal to show (wrong, waiting, or locked)."""

    def __init__(self, pin: str = "", pin_hash: str = "", policy: LockoutPolicy | None = None,
                 clock=None):
        import time
        self.pin, self.pin_hash = (pin or "").strip(), (pin_hash or "").strip()
        self.guard = PinGuard(policy)
        self.clock = clock or time.monotonic

    @property
    def configured(self) -> bool:
        return bool(self.pin_hash or self.pin)

    @property
    def plain_length(self) -> int | None:
        """The length of a plain-text PIN (the pad checks it once that many digits are in), else None."""
        return len(self.pin) if self.pin and not self.pin_hash else None

    def refusal(self) -> LockedOut | None:
        return self.guard.refusal(self.clock())

    def attempt(self, pin: str) -> AuthError | None:
        now = self.clock()
        if not self.configured:
            return AuthError("Chưa đặt mã quản trị", "No admin PIN is set")
        blocked = self.guard.refusal(now)
        if blocked is not None:
            return blocked
        ok = verify_pin(self.pin_hash, pin) if self.pin_hash else _same(self.pin, pin)
        if ok:
            self.guard.succeeded()
            return None
        self.guard.failed(now)
        blocked = self.guard.refusal(now)
        if blocked is not None and self.guard.policy.locks(self.guard.failures):
            return blocked
        left = self.guard.policy.max_failures - self.guard.failures
        return AuthError(f"Sai mã, còn {left} lần thử", f"Wrong PIN, {left} tries left")


def _same(a: str, b: str) -> bool:
    import hmac
    return hmac.compare_digest(a.encode(), (b or "").encode())
