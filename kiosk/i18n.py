"""Every word the citizen reads on the kiosk, in Vietnamese and English (both complete).

    tr("vi", "take_number")                  -> "Lấy số"
    tr("en", "people_waiting", n=3)          -> "3 people waiting"

Plain, short Vietnamese for elderly readers. Office data (field and procedure names, documents, fees,
hours, closed reasons) comes from the database in both languages; only the kiosk's own words live here.
"""
from __future__ import annotations

LANGUAGES = ("vi", "en")

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        # home
        "choose_field": "Chạm vào lĩnh vực bạn cần để lấy số",
        "choose_field_priority": "Chọn lĩnh vực bạn cần — số ưu tiên",
        "people_waiting": "{n} người đang chờ",
        "nobody_waiting": "Không có ai chờ",
        "estimated_wait": "Chờ khoảng {m} phút",
        "procedures_button": "Xem thủ tục",
        "priority_button": "Ưu tiên",
        "priority_hint": "Người cao tuổi, người khuyết tật, phụ nữ mang thai, người có công",
        "priority_active": "Số ưu tiên: {reason}",
        "cancel_priority": "Hủy ưu tiên",
        "not_available": "Tạm ngừng",
        "lang_vi": "Tiếng Việt",
        "lang_en": "English",
        "greeting": "Chào mừng {name} quay lại",
        "loading": "Đang tải…",
        # priority
        "priority_title": "Bạn thuộc nhóm ưu tiên nào?",
        "priority_note": "Cán bộ có thể đề nghị bạn xuất trình giấy tờ chứng minh.",
        # procedures
        "procedures_title": "Thủ tục lĩnh vực {field}",
        "documents": "Giấy tờ cần mang",
        "time_limit": "Thời hạn giải quyết",
        "fee": "Phí, lệ phí",
        "no_procedures": "Cán bộ sẽ hướng dẫn bạn tại quầy.",
        "take_number": "Lấy số",
        "take_number_procedure": "Lấy số cho thủ tục này",
        "back": "Quay lại",
        # ticket
        "issuing": "Đang cấp số…",
        "your_number": "Số của bạn",
        "priority_ticket": "ƯU TIÊN",
        "counter_one": "Mời đến quầy {c}",
        "counter_many": "Mời đến quầy {c}",
        "ahead": "Trước bạn có {n} người",
        "ahead_none": "Bạn là người tiếp theo",
        "wait": "Chờ khoảng {m} phút",
        "printing": "Đang in phiếu…",
        "take_ticket": "Mời bạn nhận phiếu",
        "print_failed": "Máy in gặp sự cố — vui lòng ghi nhớ số này hoặc báo cán bộ",
        "staff_told": "Cán bộ đã được thông báo.",
        "done": "Xong",
        "issue_failed": "Chưa lấy được số",
        # closed / unavailable
        "closed_title": "Trung tâm đang ngoài giờ làm việc",
        "hours_title": "Giờ làm việc",
        "closed_day": "Nghỉ",
        "unavailable_title": "Hệ thống đang tạm gián đoạn",
        "unavailable_text": "Vui lòng chờ trong giây lát. Máy sẽ tự hoạt động lại.\nNếu cần, xin hỏi cán bộ.",
        "retrying": "Đang thử kết nối lại…",
        # admin
        "admin_title": "Nhập mã quản trị",
        "admin_wrong": "Sai mã, vui lòng thử lại",
        "admin_exit": "Thoát",
        "admin_clear": "Xóa",
        "admin_close": "Đóng",
        "admin_ok": "Xác nhận",
        "admin_unset": "Chưa đặt mã quản trị (admin_pin_hash): không thể thoát. Hãy báo kỹ thuật viên.",
        # weekdays (catalogue keys)
        "day_mon": "Thứ Hai", "day_tue": "Thứ Ba", "day_wed": "Thứ Tư", "day_thu": "Thứ Năm",
        "day_fri": "Thứ Sáu", "day_sat": "Thứ Bảy", "day_sun": "Chủ Nhật",
        # spoken guidance (read aloud when voice_guidance is on)
        "say_home": "Xin mời chạm vào lĩnh vực bạn cần để lấy số thứ tự.",
        "say_ticket": "Mời bạn nhận phiếu và chú ý màn hình gọi số.",
        "say_print_failed": "Máy in gặp sự cố. Vui lòng ghi nhớ số trên màn hình.",
    },
    "en": {
        "choose_field": "Touch the service you need to get a number",
        "choose_field_priority": "Choose the service you need — priority number",
        "people_waiting": "{n} people waiting",
        "nobody_waiting": "Nobody waiting",
        "estimated_wait": "About {m} min wait",
        "procedures_button": "Procedures",
        "priority_button": "Priority",
        "priority_hint": "Elderly, people with disabilities, pregnant women, people with merit",
        "priority_active": "Priority number: {reason}",
        "cancel_priority": "Cancel priority",
        "not_available": "Not available",
        "lang_vi": "Tiếng Việt",
        "lang_en": "English",
        "greeting": "Welcome back, {name}",
        "loading": "Loading…",
        "priority_title": "Which priority group are you in?",
        "priority_note": "Staff may ask you to show a supporting document.",
        "procedures_title": "Procedures: {field}",
        "documents": "Documents to bring",
        "time_limit": "Processing time",
        "fee": "Fees",
        "no_procedures": "Staff will guide you at the counter.",
        "take_number": "Get a number",
        "take_number_procedure": "Get a number for this procedure",
        "back": "Back",
        "issuing": "Getting your number…",
        "your_number": "Your number",
        "priority_ticket": "PRIORITY",
        "counter_one": "Please go to counter {c}",
        "counter_many": "Please go to counters {c}",
        "ahead": "{n} people ahead of you",
        "ahead_none": "You are next",
        "wait": "About {m} min wait",
        "printing": "Printing your ticket…",
        "take_ticket": "Please take your ticket",
        "print_failed": "The printer has a problem — please remember this number or tell a staff member",
        "staff_told": "The staff have been told.",
        "done": "Done",
        "issue_failed": "Could not get a number",
        "closed_title": "The centre is closed now",
        "hours_title": "Opening hours",
        "closed_day": "Closed",
        "unavailable_title": "The system is briefly unavailable",
        "unavailable_text": "Please wait a moment. The kiosk will start again by itself.\n"
                            "If you need help, please ask a staff member.",
        "retrying": "Reconnecting…",
        "admin_title": "Enter the admin code",
        "admin_wrong": "Wrong code, please try again",
        "admin_exit": "Exit",
        "admin_clear": "Clear",
        "admin_close": "Close",
        "admin_ok": "OK",
        "admin_unset": "No admin code is set (admin_pin_hash): the kiosk cannot be left. Tell the technician.",
        "day_mon": "Monday", "day_tue": "Tuesday", "day_wed": "Wednesday", "day_thu": "Thursday",
        "day_fri": "Friday", "day_sat": "Saturday", "day_sun": "Sunday",
        "say_home": "Please touch the service you need to get a number.",
        "say_ticket": "Please take your ticket and watch the screen for your number.",
        "say_print_failed": "The printer has a problem. Please remember the number on the screen.",
    },
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def tr(language: str, key: str, **values) -> str:
    """The text for ``key`` in ``language`` (Vietnamese if the language is unknown)."""
    table = STRINGS.get(language, STRINGS["vi"])
    text = table[key]
    return text.format(**values) if values else text


def other_language(language: str) -> str:
    return "en" if language == "vi" else "vi"


def priority_label(reason: str | None, language: str) -> str | None:
    """What the citizen reads for a priority reason code (db.PRIORITY_REASONS)."""
    if reason is None:
        return None
    from db import PRIORITY_REASONS
    vi, en = PRIORITY_REASONS.get(reason, (reason, reason))
    return en if language == "en" else vi
