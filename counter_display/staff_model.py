"""What the officer's counter window may do now, and how a ticket is described (Qt-free)."""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from bilingual import LocalizedError
from db.vocabulary import priority_label, status_label

from .texts import WORDS

SHORTCUTS: dict[str, str] = {"call_next": "F1", "recall": "F2", "start": "F3", "finish": "F4", "no_show": "F5",
                             "transfer": "F6", "call_number": "F7", "pause": "F8", "reactivate": "F9"}
# action -> (Vietnamese label, English label, shortcut); the labels are WORDS["action_" + action]
ACTIONS: dict[str, tuple[str, str, str]] = {
    action: (*WORDS.pair(f"action_{action}"), key) for action, key in SHORTCUTS.items()}
RESUME_LABEL = WORDS.pair("action_resume")


@dataclass(frozen=True)
class CounterData:
    """One refresh of the counter: read together in the worker thread."""
    counter: Any            # db.CounterInfo
    ticket: Any | None      # db.TicketInfo now at the counter (called or serving)
    waiting: tuple          # waiting TicketInfo of this counter's fields, in call order
    timezone: str = "Asia/Ho_Chi_Minh"   # the centre's zone (from the database): the clock shows it
    clock_skew_s: float = 0.0   # database time minus this PC's time (db.QueueService.clock_skew_s)


def load_counter_data(svc: Any, number: int) -> CounterData:
    counter = next((c for c in svc.counters() if c.number == number), None)
    if counter is None:   # `--counter 99`: said as such, not as a lost connection
        from db import NotFound
        raise NotFound(WORDS.text("vi", "no_such_counter", n=number), WORDS.text("en", "no_such_counter", n=number))
    return CounterData(counter, svc.current(number), tuple(svc.waiting(number)), svc.office_info().timezone,
                       float(getattr(svc, "clock_skew_s", 0.0)))


CLOCK_SKEW_WARN_S = 60.0


def clock_note(skew_s: float) -> str:
    """What the officer reads when this PC's clock is more than a minute off the database's ("" if not)."""
    if abs(skew_s) <= CLOCK_SKEW_WARN_S:
        return ""
    minutes = round(abs(skew_s) / 60)
    return WORDS.both("clock_slow" if skew_s > 0 else "clock_fast", m=minutes)


def enabled_actions(signed_in: bool, busy: bool, paused: bool, ticket: Any | None, waiting: int,
                    last_no_show: str | None = None) -> frozenset[str]:
    """Actions that make sense now. While a command runs (busy) nothing can be pressed twice. The last
    no-show of this window can be put back in the queue (its original place) whatever the counter does."""
    if busy or not signed_in:
        return frozenset()
    back = {"reactivate"} if last_no_show else set()
    if paused:
        return frozenset({"pause"} | back)  # shown as "Tiếp tục quầy"
    status = ticket.status if ticket is not None else None
    actions: set[str] = set(back)
    if status is None:
        actions |= {"call_number", "pause"}
        if waiting:
            actions.add("call_next")
    elif status == "called":
        actions |= {"recall", "start", "finish", "no_show", "transfer"}
    elif status == "serving":
        actions |= {"finish", "transfer", "call_number"}
        if waiting:
            actions.add("call_next")   # finishes the current ticket, then calls
    return frozenset(actions)


def minutes_waited(ticket: Any, now: dt.datetime) -> int:
    end = ticket.called_at or now
    return max(0, int((end - ticket.issued_at).total_seconds() // 60))


def describe_ticket(ticket: Any, now: dt.datetime, lang: str = "vi") -> list[tuple[str, str]]:
    """(caption, value) rows for the ticket panel, in ``lang`` (the counter window reads Vietnamese)."""
    def t(key: str, **values: Any) -> str:
        return WORDS.text(lang, key, **values)

    en = lang == "en"
    rows = [(t("caption_field"), ticket.field_name_en if en else ticket.field_name_vi)]
    procedure = ticket.procedure_name_en if en else ticket.procedure_name_vi
    if procedure:
        rows.append((t("caption_procedure"), procedure))
    if ticket.priority_reason:
        rows.append((t("caption_priority"), priority_label(ticket.priority_reason, lang)))
    minutes = minutes_waited(ticket, now)
    rows.append((t("caption_waited"), t("minutes", n=minutes)))
    status = status_label(ticket.status, lang)
    if ticket.status == "called":
        status = t("status_called_hint", status=status)
    if ticket.call_count > 1:
        status = t("called_times", status=status, n=ticket.call_count)
    rows.append((t("caption_status"), status))
    return rows


def fold(text: str) -> str:
    """Text compared without diacritics, case or extra spaces: "Nguyen  thi LAN" == fold("Nguyễn Thị Lan")."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def match_officer(names: list[str] | tuple[str, ...], typed: str) -> int | None:
    """Index of the officer ``typed`` designates in the fixed list: the exact folded name, else the first
    name starting with it, else the first containing it; None if none."""
    key = fold(typed)
    if not key:
        return None
    folded = [fold(n) for n in names]
    for test in (lambda f: f == key, lambda f: f.startswith(key), lambda f: key in f):
        for i, f in enumerate(folded):
            if test(f):
                return i
    return None


def describe_error(exc: BaseException | None, lang: str = "vi") -> str:
    """What the officer reads for a failure: the queue's own sentence (a LocalizedError: a corrupt file, an
    uninitialised database, a lock, a refusal...), never a library's text or a URL."""
    if isinstance(exc, LocalizedError):
        return exc.message(lang)
    return WORDS.text(lang, "unexpected_error")
