"""The queue's vocabulary, defined once: the priority reasons a ticket may carry and the statuses a ticket
passes through, with what a citizen or an officer reads for each (Vietnamese first, English second), and
why no number can be taken now.

    PRIORITY_REASONS                       -> ("elderly", "disability", "pregnant", "merit")
    priority_label("elderly", "en")        -> "Elderly person"
    status_label("called", "vi")           -> "Đã gọi"

The kiosk, the ticket, the counter window and the queue's own messages all read these; none keeps a copy.
"""
from __future__ import annotations

from bilingual import Catalogue

from .models import CALLED, DONE, NO_SHOW, NOT_SERVED, SERVING, WAITING

# Priority reasons a kiosk offers and the queue accepts, in the order the kiosk shows them.
PRIORITY_REASONS: tuple[str, ...] = ("elderly", "disability", "pregnant", "merit")

# Ticket statuses, in the order a ticket passes through them.
STATUSES: tuple[str, ...] = (WAITING, CALLED, SERVING, DONE, NO_SHOW, NOT_SERVED)

WORDS = Catalogue("queue", {
    "priority_elderly": ("Người cao tuổi", "Elderly person"),
    "priority_disability": ("Người khuyết tật", "Person with a disability"),
    "priority_pregnant": ("Phụ nữ mang thai", "Pregnant woman"),
    "priority_merit": ("Người có công, thương binh, bệnh binh", "Person with meritorious services, war invalid"),
    "status_waiting": ("Đang chờ", "Waiting"),
    "status_called": ("Đã gọi", "Called"),
    "status_serving": ("Đang phục vụ", "Being served"),
    "status_done": ("Đã xong", "Done"),
    "status_no_show": ("Vắng mặt", "No-show"),
    "status_not_served": ("Hết ngày — chưa được phục vụ", "Day ended — not served"),
    # why no number can be taken now (the office) or in one field (QueueService)
    "closed_today": ("Hôm nay trung tâm không làm việc", "The centre is closed today"),
    "closed_cutoff": ("Đã ngừng cấp số từ {stop} (buổi làm việc kết thúc lúc {end})",
                      "Numbers stopped at {stop} (this session ends at {end})"),
    "closed_hours": ("Ngoài giờ làm việc. Giờ làm việc hôm nay: {today}", "Outside opening hours. Today's hours: {today}"),
    "field_cap_reached": ("Đã hết số hôm nay", "No numbers left today"),
    "field_no_counter": ("Chưa có quầy phục vụ", "No counter serves this field"),
    "field_counters_paused": ("Các quầy đang tạm dừng — xin hỏi cán bộ", "The counters are paused — please ask staff"),
}, dynamic_prefixes=("priority_", "status_"))


def priority_label(reason: str | None, lang: str | None = "vi") -> str | None:
    """What a person reads for a priority reason code; None for no priority, the code itself if unknown."""
    if reason is None:
        return None
    key = f"priority_{reason}"
    return WORDS.text(lang, key) if key in WORDS else reason


def status_label(status: str, lang: str | None = "vi") -> str:
    """What a person reads for a ticket status; the code itself if unknown."""
    key = f"status_{status}"
    return WORDS.text(lang, key) if key in WORDS else status


__all__ = ["PRIORITY_REASONS", "STATUSES", "WORDS", "priority_label", "status_label"]
