"""Every word the citizen reads on the kiosk, in Vietnamese and English: one ``bilingual.Catalogue``.

    tr("vi", "take_number")                  -> "Lấy số"
    tr("en", "people_waiting", n=1)          -> "1 person waiting"

Plain, short Vietnamese for elderly readers. Office data (field and procedure names, documents, fees,
hours, closed reasons) comes from the database in both languages; priority reasons come from
``db.vocabulary``; only the kiosk's own words live here.
"""
from __future__ import annotations

from bilingual import LANGUAGES, Catalogue, Plural
from db.vocabulary import priority_label as _priority_label

WORDS = Catalogue("kiosk", {
    # home
    "choose_field": ("Chạm vào lĩnh vực bạn cần để lấy số", "Touch the service you need to get a number"),
    "choose_field_priority": ("Chọn lĩnh vực bạn cần — số ưu tiên", "Choose the service you need — priority number"),
    "people_waiting": ("{n} người đang chờ", Plural("{n} person waiting", "{n} people waiting")),
    "nobody_waiting": ("Không có ai chờ", "Nobody waiting"),
    "estimated_wait": ("Chờ khoảng {m} phút", "About {m} min wait"),
    "procedures_button": ("Xem thủ tục", "Procedures"),
    "priority_button": ("Ưu tiên", "Priority"),
    "priority_hint": ("Người cao tuổi, người khuyết tật, phụ nữ mang thai, người có công",
                      "Elderly, people with disabilities, pregnant women, people with merit"),
    "priority_active": ("Số ưu tiên: {reason}", "Priority number: {reason}"),
    "cancel_priority": ("Hủy ưu tiên", "Cancel priority"),
    "not_available": ("Tạm ngừng", "Not available"),
    "lang_vi": ("Tiếng Việt", "Tiếng Việt"),
    "lang_en": ("English", "English"),
    "loading": ("Đang tải…", "Loading…"),
    # priority
    "priority_title": ("Bạn thuộc nhóm ưu tiên nào?", "Which priority group are you in?"),
    "priority_note": ("Cán bộ có thể đề nghị bạn xuất trình giấy tờ chứng minh.",
                      "Staff may ask you to show a supporting document."),
    # procedures
    "procedures_title": ("Thủ tục lĩnh vực {field}", "Procedures: {field}"),
    "documents": ("Giấy tờ cần mang", "Documents to bring"),
    "time_limit": ("Thời hạn giải quyết", "Processing time"),
    "fee": ("Phí, lệ phí", "Fees"),
    "no_procedures": ("Cán bộ sẽ hướng dẫn bạn tại quầy.", "Staff will guide you at the counter."),
    "take_number": ("Lấy số", "Get a number"),
    "take_number_procedure": ("Lấy số cho thủ tục này", "Get a number for this procedure"),
    "back": ("Quay lại", "Back"),
    # ticket
    "issuing": ("Đang cấp số…", "Getting your number…"),
    "your_number": ("Số của bạn", "Your number"),
    "priority_ticket": ("ƯU TIÊN", "PRIORITY"),
    "counter_one": ("Mời đến quầy {c}", "Please go to counter {c}"),
    "counter_many": ("Mời đến quầy {c}", "Please go to counters {c}"),
    "ahead": ("Trước bạn có {n} người", Plural("{n} person ahead of you", "{n} people ahead of you")),
    "ahead_none": ("Bạn là người tiếp theo", "You are next"),
    "wait": ("Chờ khoảng {m} phút", "About {m} min wait"),
    "printing": ("Đang in phiếu…", "Printing your ticket…"),
    "take_ticket": ("Mời bạn nhận phiếu", "Please take your ticket"),
    "print_failed": ("Máy in gặp sự cố — vui lòng ghi nhớ số này hoặc báo cán bộ",
                     "The printer has a problem — please remember this number or tell a staff member"),
    "staff_told": ("Cán bộ đã được thông báo.", "The staff have been told."),
    "done": ("Xong", "Done"),
    "issue_failed": ("Chưa lấy được số", "Could not get a number"),
    # closed / unavailable
    "closed_title": ("Trung tâm đang ngoài giờ làm việc", "The centre is closed now"),
    "cutoff_title": ("Đã ngừng cấp số hôm nay", "No more numbers today"),
    "cutoff_title_session": ("Đã ngừng cấp số buổi này", "No more numbers this session"),
    "hours_title": ("Giờ làm việc", "Opening hours"),
    "closed_day": ("Nghỉ", "Closed"),
    "unavailable_title": ("Hệ thống đang tạm gián đoạn", "The system is briefly unavailable"),
    "unavailable_text": ("Vui lòng chờ trong giây lát. Máy sẽ tự hoạt động lại.\nNếu cần, xin hỏi cán bộ.",
                         "Please wait a moment. The kiosk will start again by itself.\n"
                         "If you need help, please ask a staff member."),
    "retrying": ("Đang thử kết nối lại…", "Reconnecting…"),
    # satisfaction rating at the kiosk (kiosk/ui/rating_screens.py)
    "rating_button": ("Đánh giá", "Rate us"),
    "rating_hint": ("Đã được phục vụ? Đánh giá sự hài lòng bằng mã QR trên phiếu",
                    "Been served? Tell us how it went with the QR on your ticket"),
    "rating_scan_title": ("Đánh giá sự phục vụ", "Rate our service"),
    "rating_scan_hint": ("Đưa mã QR trên phiếu số thứ tự vào trước camera\n(hoặc vào máy quét)",
                         "Hold the QR code on your ticket up to the camera\n(or to the scanner)"),
    "rating_scan_where": ("Mã QR ở cuối phiếu, dưới dòng \"quét mã này tại kiosk để đánh giá\"",
                          "The QR code is at the bottom of the ticket, under \"scan this code at the kiosk\""),
    "rating_checking": ("Đang đọc phiếu…", "Reading your ticket…"),
    "rating_refused": ("Chưa đánh giá được: {reason}", "Cannot rate: {reason}"),
    "rating_db_lost": ("Hệ thống đang tạm gián đoạn — vui lòng thử lại sau giây lát",
                       "The system is briefly unavailable — please try again in a moment"),
    "rating_question": ("Ông/bà có hài lòng với sự phục vụ?", "Are you satisfied with the service?"),
    "rating_ticket": ("Phiếu số {label}", "Ticket {label}"),
    "rating_reasons": ("Ông/bà chưa hài lòng vì điều gì? (chọn một hoặc nhiều)",
                       "What was not right? (choose one or more)"),
    "rating_send": ("Gửi đánh giá", "Send"),
    "rating_skip": ("Bỏ qua", "Skip"),
    "rating_thanks": ("Cảm ơn ông/bà đã đánh giá!", "Thank you for your answer!"),
    "rating_kept": ("Hệ thống đang tạm gián đoạn: đánh giá của ông/bà đã được giữ lại và sẽ tự ghi nhận khi "
                    "kết nối trở lại.",
                    "The system is briefly unavailable: your answer is kept and will be recorded as soon as "
                    "it is back."),
    "rating_not_recorded": ("Chưa ghi nhận được đánh giá: {reason}", "The answer was not recorded: {reason}"),
    # admin
    "admin_title": ("Nhập mã quản trị", "Enter the admin code"),
    "admin_wrong": ("Sai mã, vui lòng thử lại", "Wrong code, please try again"),
    "admin_clear": ("Xóa", "Clear"),
    "admin_close": ("Đóng", "Close"),
    "admin_ok": ("Xác nhận", "OK"),
    "admin_unset": ("Chưa đặt mã quản trị (admin_pin_hash): không thể thoát. Hãy báo kỹ thuật viên.",
                    "No admin code is set (admin_pin_hash): the kiosk cannot be left. Tell the technician."),
    # weekdays (catalogue keys)
    "day_mon": ("Thứ Hai", "Monday"),
    "day_tue": ("Thứ Ba", "Tuesday"),
    "day_wed": ("Thứ Tư", "Wednesday"),
    "day_thu": ("Thứ Năm", "Thursday"),
    "day_fri": ("Thứ Sáu", "Friday"),
    "day_sat": ("Thứ Bảy", "Saturday"),
    "day_sun": ("Chủ Nhật", "Sunday"),
    # command line
    "cli_description": ("Máy lấy số thứ tự", "citizen ticket kiosk"),
}, dynamic_prefixes=("lang_", "day_"))

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def tr(language: str, key: str, **values) -> str:
    """The text for ``key`` in ``language`` (Vietnamese if the language is unknown)."""
    return WORDS.text(language, key, **values)


def other_language(language: str) -> str:
    return "en" if language == "vi" else "vi"


def priority_label(reason: str | None, language: str) -> str | None:
    """What the citizen reads for a priority reason code (db.PRIORITY_REASONS)."""
    return _priority_label(reason, language)


__all__ = ["LANGUAGES", "WEEKDAYS", "WORDS", "other_language", "priority_label", "tr"]
