"""kiosk-admin's own words (Vietnamese first, English second), checked with every other catalogue."""
from __future__ import annotations

from bilingual import Catalogue

WORDS = Catalogue("admin", {
    "admin_pin_prompt": ("Mã quản trị kiosk (6–12 chữ số, để thoát màn hình kiosk)",
                         "Kiosk admin PIN (6–12 digits, to leave the kiosk screen)"),
    "admin_pin_again": ("Nhập lại", "Again"),
    "admin_pin_differ": ("Hai lần nhập không khớp, chưa lưu gì", "The two entries differ, nothing was saved"),
    "admin_pin_saved": ("Đã lưu mã quản trị kiosk vào {path} (chỉ lưu bản băm, không lưu mã)",
                        "Kiosk admin PIN saved to {path} (its hash only, never the PIN)"),
    "admin_pin_created": ("Đã tạo {path} (0600) với mã quản trị kiosk (chỉ lưu bản băm, không lưu mã)",
                          "Created {path} (0600) with the kiosk admin PIN (its hash only, never the PIN)"),
    "admin_pin_not_writable": ("Không ghi được {path} ({reason}): chưa lưu mã quản trị. Hãy thêm dòng sau vào "
                               "tệp cấu hình của kiosk:",
                               "Cannot write {path} ({reason}): the admin PIN was not saved. Add this line to "
                               "the kiosk's configuration:"),
    "admin_pin_missing": ("Chưa đặt mã quản trị kiosk: không thể thoát khỏi màn hình kiosk cho đến khi đặt — "
                          "hãy chạy: {command}",
                          "No kiosk admin PIN is set: the kiosk cannot be left from the screen until one is — "
                          "run: {command}"),
    "admin_pin_plain_left": ("{path} vẫn còn admin_pin (mã dạng chữ thường): hãy xóa dòng đó",
                             "{path} still holds admin_pin (the PIN in plain text): delete that line"),
})
