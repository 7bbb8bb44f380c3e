"""A ticket to print in the printer tests (no tests here)."""
from __future__ import annotations

from datetime import datetime

from printer import Ticket


def make_ticket(**changes):
    data = dict(centre_name="Trung tâm Phục vụ hành chính công phường Bến Nghé", label="A023",
                field_name="Hộ tịch", procedure_name="Đăng ký khai sinh", counters=["1", "3"],
                waiting_ahead=5, estimated_wait_min=15, issued_at=datetime(2026, 11, 22, 8, 15),
                priority_reason=None)
    data.update(changes)
    return Ticket(**data)
