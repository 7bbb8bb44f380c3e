"""What the officer's counter window may do now, and how a ticket is described (Qt-free)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# action -> (Vietnamese label, English label, shortcut)
ACTIONS: dict[str, tuple[str, str, str]] = {
    "call_next": ("Gọi số tiếp theo", "Call next", "F1"),
    "recall": ("Gọi lại", "Recall", "F2"),
    "start": ("Bắt đầu", "Start", "F3"),
    "finish": ("Hoàn thành", "Finish", "F4"),
    "no_show": ("Vắng mặt", "No-show", "F5"),
    "transfer": ("Chuyển lĩnh vực", "Transfer", "F6"),
    "call_number": ("Gọi số…", "Call a number…", "F7"),
    "pause": ("Tạm dừng quầy", "Pause counter", "F8"),
}
RESUME_LABEL = ("Tiếp tục quầy", "Resume counter")

PRIORITY_VI = {"elderly": "Người cao tuổi", "disability": "Người khuyết tật", "pregnant": "Phụ nữ mang thai",
               "merit": "Người có công", "child": "Trẻ em dưới 6 tuổi"}
STATUS_VI = {"waiting": "Đang chờ", "called": "Đã gọi — chờ công dân đến", "serving": "Đang phục vụ",
             "done": "Đã xong", "no_show": "Vắng mặt", "not_served": "Hết ngày — chưa được phục vụ"}


@dataclass(frozen=True)
class CounterData:
    """One refresh of the counter: read together in the worker thread."""
    counter: Any            # db.CounterInfo
    ticket: Any | None      # db.TicketInfo now at the counter (called or serving)
    waiting: tuple          # waiting TicketInfo of this counter's fields, in call order
    clock_skew_s: float = 0.0   # database time minus this PC's time (db.QueueService.clock_skew_s)


def load_counter_data(svc: Any, number: int) -> CounterData:
    counter = next((c for c in svc.counters() if c.number == number), None)
    if counter is None:
        from db import NotFound
        raise NotFound(f"Không có quầy số {number}", f"No counter number {number}")
    return CounterData(counter, svc.current(number), tuple(svc.waiting(number)),
                       float(getattr(svc, "clock_skew_s", 0.0)))


CLOCK_SKEW_WARN_S = 60.0


def clock_note(skew_s: float) -> str:
    """What the officer reads when this PC's clock is more than a minute off the database's ("" if not)."""
    if abs(skew_s) <= CLOCK_SKEW_WARN_S:
        return ""
    minutes = round(abs(skew_s) / 60)
    vi, en = ("chậm", "slow") if skew_s > 0 else ("nhanh", "fast")
    return (f"Đồng hồ máy này {vi} {minutes} phút so với máy chủ — hàng đợi dùng giờ máy chủ; hãy báo kỹ thuật "
            f"/ This PC's clock is {minutes} min {en}; the queue uses the server's time — tell IT")


def enabled_actions(signed_in: bool, busy: bool, paused: bool, ticket: Any | None, waiting: int) -> frozenset[str]:
    """Actions that make sense now. While a command runs (busy) nothing can be pressed twice."""
    if busy or not signed_in:
        return frozenset()
    if paused:
        return frozenset({"pause"})  # shown as "Tiếp tục quầy"
    status = ticket.status if ticket is not None else None
    actions: set[str] = set()
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


def describe_ticket(ticket: Any, now: dt.datetime) -> list[tuple[str, str]]:
    """(caption, value) rows for the ticket panel, Vietnamese."""
    rows = [("Lĩnh vực", ticket.field_name_vi)]
    if ticket.procedure_name_vi:
        rows.append(("Thủ tục", ticket.procedure_name_vi))
    if ticket.priority_reason:
        rows.append(("Ưu tiên", PRIORITY_VI.get(ticket.priority_reason, ticket.priority_reason)))
    rows.append(("Đã chờ", f"{minutes_waited(ticket, now)} phút"))
    rows.append(("Trạng thái", STATUS_VI.get(ticket.status, ticket.status)
                 + (f" (gọi {ticket.call_count} lần)" if ticket.call_count > 1 else "")))
    return rows
