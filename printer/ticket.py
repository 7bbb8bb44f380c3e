"""The ticket as plain data: what the kiosk hands to the printer, with a JSON form for the CLI."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from bilingual import LocalizedError

LANGUAGES = ("vi", "en")


class TicketError(LocalizedError, ValueError):
    """Ticket data that cannot be printed; the message says which field and why (Vietnamese and English)."""


def clean_text(text: str) -> str:
    """NFC (one code point per Vietnamese letter, as the font expects), no control characters."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")


@dataclass(frozen=True)
class Ticket:
    centre_name: str
    label: str                          # e.g. "A023"
    field_name: str                     # e.g. "Hộ tịch"
    procedure_name: str | None
    counters: list[str]                 # e.g. ["1", "3"]
    waiting_ahead: int
    estimated_wait_min: int | None
    issued_at: datetime                 # aware, or naive local time
    priority_reason: str | None         # None: not a priority ticket; "" priority without a stated reason
    language: str = "vi"
    note: str | None = None             # None: the layout's (or the default) note
    qr_payload: str | None = None
    qr_caption: str | None = None       # printed above the QR: what it is for (e.g. rating at the kiosk)

    def __post_init__(self) -> None:
        bad = TicketError
        if not isinstance(self.label, str) or not self.label.strip():
            raise bad("Thiếu số thứ tự (label)", "the ticket label is missing")
        if not isinstance(self.centre_name, str):
            raise bad("Tên trung tâm phải là chữ", "centre_name must be text")
        if not isinstance(self.field_name, str):
            raise bad("Tên lĩnh vực phải là chữ", "field_name must be text")
        if self.language not in LANGUAGES:
            raise bad(f"Ngôn ngữ không hỗ trợ: {self.language!r} (chỉ 'vi' hoặc 'en')",
                      f"unsupported language {self.language!r} (use 'vi' or 'en')")
        if not isinstance(self.waiting_ahead, int) or self.waiting_ahead < 0:
            raise bad("Số người chờ phải là số nguyên không âm", "waiting_ahead must be a whole number >= 0")
        if self.estimated_wait_min is not None and (
                not isinstance(self.estimated_wait_min, int) or self.estimated_wait_min < 0):
            raise bad("Thời gian chờ dự kiến phải là số phút không âm",
                      "estimated_wait_min must be a whole number of minutes >= 0")
        if not isinstance(self.issued_at, datetime):
            raise bad("Thời điểm lấy số phải là ngày giờ", "issued_at must be a datetime")
        if isinstance(self.counters, (str, bytes)) or not all(isinstance(c, str) for c in self.counters):
            raise bad("Danh sách quầy phải là danh sách chữ, ví dụ [\"1\", \"3\"]",
                      "counters must be a list of strings, e.g. [\"1\", \"3\"]")

    @property
    def is_priority(self) -> bool:
        return self.priority_reason is not None

    # ---- JSON form -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["issued_at"] = self.issued_at.isoformat()
        data["counters"] = list(self.counters)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> "Ticket":
        if not isinstance(data, dict):
            raise TicketError("Dữ liệu phiếu phải là một đối tượng JSON", "ticket data must be a JSON object")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise TicketError(f"Trường không hợp lệ: {', '.join(unknown)}", f"unknown fields: {', '.join(unknown)}")
        required = ("centre_name", "label", "field_name", "waiting_ahead", "issued_at")
        missing = [k for k in required if k not in data]
        if missing:
            raise TicketError(f"Thiếu trường: {', '.join(missing)}", f"missing fields: {', '.join(missing)}")
        values = dict(data)
        values.setdefault("procedure_name", None)
        values.setdefault("counters", [])
        values.setdefault("estimated_wait_min", None)
        values.setdefault("priority_reason", None)
        if isinstance(values["issued_at"], str):
            try:
                values["issued_at"] = datetime.fromisoformat(values["issued_at"])
            except ValueError:
                raise TicketError(f"issued_at không phải ngày giờ ISO 8601: {values['issued_at']!r}",
                                  f"issued_at is not an ISO 8601 date-time: {values['issued_at']!r}") from None
        return cls(**values)

    @classmethod
    def from_json(cls, text: str | bytes) -> "Ticket":
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise TicketError(f"Tệp phiếu không phải JSON hợp lệ ({exc})",
                              f"the ticket file is not valid JSON ({exc})") from None
        return cls.from_dict(data)
