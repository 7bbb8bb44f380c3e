"""The words of the officer's counter window and the waiting-room board, Vietnamese and English: one
``bilingual.Catalogue`` (Qt-free). Priority reasons and ticket statuses come from ``db.vocabulary``; the
spoken call sentence is the voice's own (core/voice/sentence.py).

    WORDS.text("vi", "counter_title", n=3)        -> "QUẦY 3"
    WORDS.both("sign_in_title")                   -> "Đăng nhập cán bộ / Officer sign-in"
"""
from __future__ import annotations

from bilingual import Catalogue, Plural

WORDS = Catalogue("counter", {
    # both windows
    "counter_title": ("QUẦY {n}", "COUNTER {n}"),
    # counter window: sign-in
    "window_title": ("Quầy {n}", "Counter {n}"),
    "header_officer": ("QUẦY {n} — Cán bộ: {name}", "COUNTER {n} — Officer: {name}"),
    "paused_mark": ("(TẠM DỪNG)", "(PAUSED)"),
    "sign_in_title": ("Đăng nhập cán bộ", "Officer sign-in"),
    "pin_placeholder": ("Mã PIN", "PIN"),
    "sign_in": ("Đăng nhập", "Sign in"),
    "sign_out": ("Đăng xuất", "Sign out"),
    "enter_name_pin": ("Hãy nhập tên cán bộ và mã PIN", "Enter your name and PIN"),
    "pin_must_change": (" — mã PIN quá ngắn: hãy đặt mã mới ít nhất 6 chữ số",
                        " — your PIN is too short: set a new one of at least 6 digits"),
    "pin_change_prompt": ("Đặt mã PIN mới (6–12 chữ số, không lặp hay liên tiếp), nhập hai lần:",
                          "Set a new PIN (6–12 digits, not repeated or consecutive), typed twice:"),
    "pin_new_placeholder": ("Mã PIN mới", "New PIN"),
    "pin_again_placeholder": ("Nhập lại mã PIN mới", "New PIN again"),
    "pin_change_ok": ("Đổi mã PIN", "Change the PIN"),
    "pin_mismatch": ("Hai lần nhập mã PIN mới không khớp — hãy nhập lại", "The two new PINs differ — type them again"),
    "pin_changed": ("Đã đổi mã PIN", "PIN changed"),
    "kiosk_no_key": ("Kiosk {kiosk}: không tìm thấy tệp khóa dữ liệu khách — nhận diện khuôn mặt đã tắt; hãy chép "
                     "tệp khóa của trung tâm vào máy này", "Kiosk {kiosk}: the visitor key file is missing — face "
                     "recognition is off; copy the centre's key file to it"),
    "kiosk_no_admin_pin": ("Kiosk {kiosk}: chưa đặt mã quản trị (admin_pin_hash) — không thể thoát khỏi kiosk; "
                           "hãy báo kỹ thuật", "Kiosk {kiosk}: no admin PIN is set (admin_pin_hash) — it cannot "
                           "be left; tell IT"),
    "hello": ("Xin chào {name}", "Hello {name}"),
    "clock_slow": ("Đồng hồ máy này chậm {m} phút so với máy chủ — hàng đợi dùng giờ máy chủ; hãy báo kỹ thuật",
                   "This PC's clock is {m} min slow; the queue uses the server's time — tell IT"),
    "clock_fast": ("Đồng hồ máy này nhanh {m} phút so với máy chủ — hàng đợi dùng giờ máy chủ; hãy báo kỹ thuật",
                   "This PC's clock is {m} min fast; the queue uses the server's time — tell IT"),
    "signed_out": ("Đã đăng xuất", "Signed out"),
    "officers_loading": ("Đang tải danh sách cán bộ…", "Loading the officers…"),
    "officer_choose": ("Chọn tên cán bộ (gõ để tìm)", "Choose your name (type to find)"),
    "officer_unknown": ("Hãy chọn tên cán bộ trong danh sách", "Choose your name from the list"),
    "elsewhere_question": ("Cán bộ {name} đang đăng nhập ở quầy {counters}. Chuyển sang quầy này? Quầy {counters} "
                           "sẽ được đăng xuất.", "{name} is signed in at counter {counters}. Move to this counter? "
                           "Counter {counters} will be signed out."),
    "elsewhere_move": ("Chuyển sang quầy này", "Move here"),
    "elsewhere_held": ("Cán bộ {name} đang đăng nhập ở quầy {counter} và quầy đó còn giữ số {label} — hãy xử lý "
                       "số đó ở quầy {counter} trước", "{name} is signed in at counter {counter}, which still holds "
                       "ticket {label} — deal with it at counter {counter} first"),
    "moved_here": ("Xin chào {name} — đã đăng xuất ở quầy {counters}", "Hello {name} — signed out at counter {counters}"),
    "sign_out_question": ("Số {label} vẫn đang ở quầy. Trước khi đăng xuất:",
                          "Ticket {label} is still at the counter. Before signing out:"),
    "sign_out_finish": ("Hoàn thành số", "Finish it"),
    "sign_out_no_show": ("Ghi vắng mặt", "Mark no-show"),
    "sign_out_keep": ("Giữ số ở quầy", "Keep it here"),
    "kept_at_counter": ("Đã đăng xuất — số {label} vẫn ở quầy cho cán bộ sau",
                        "Signed out — ticket {label} stays at the counter for the next officer"),
    "db_unusable": ("Không dùng được cơ sở dữ liệu: {reason} — đang thử lại",
                    "The database cannot be used: {reason} — retrying"),
    "no_such_counter": ("Không có quầy số {n} trong cơ sở dữ liệu — hãy kiểm tra số quầy (--counter) hoặc "
                        "danh mục", "There is no counter {n} in the database — check the counter number "
                        "(--counter) or the catalogue"),
    "unexpected_error": ("Lỗi không mong đợi — đã ghi vào nhật ký, hãy báo kỹ thuật",
                         "Unexpected error — written to the log, tell IT"),
    # counter window: the desk
    "cancel": ("Hủy", "Cancel"),
    "now_serving": ("Số đang phục vụ", "Now serving"),
    "no_ticket": ("Chưa có số nào. Bấm «Gọi số tiếp theo» (F1).", "No ticket yet. Press «Call next» (F1)."),
    "no_ticket_paused": ("Quầy đang tạm dừng. Bấm «Tiếp tục quầy» (F8) để nhận số.",
                         "The counter is paused. Press «Resume counter» (F8) to take tickets."),
    "no_show_done": ("Số {label}: vắng mặt — nếu công dân quay lại, bấm «Khôi phục số» (F9)",
                     "Ticket {label}: no-show — if the citizen comes back, press «Restore ticket» (F9)"),
    "reactivated": ("Đã khôi phục số {label}: chờ lại ở đúng chỗ cũ", "Ticket {label} restored to its place in the queue"),
    "fault_dismiss": ("Đã xử lý", "Dealt with"),
    "locked_elsewhere": ("Cảnh báo: quầy {n}: đăng nhập «{officer}» bị khóa sau {failures} lần sai mã PIN",
                         "Warning: counter {n}: sign-in of «{officer}» locked after {failures} wrong PINs"),
    "waiting_title": ("Đang chờ", "Waiting"),
    "waiting_count": ("Đang chờ: {n}", "Waiting: {n}"),
    "priority_mark": ("★ Ưu tiên", "★ Priority"),
    "transfer_to": ("Chuyển sang lĩnh vực:", "Transfer to field:"),
    "transfer_ok": ("Chuyển", "Transfer"),
    "call_prompt": ("Gọi số:", "Call number:"),
    "call_placeholder": ("Số thứ tự, ví dụ A023", "Ticket number, e.g. A023"),
    "call_ok": ("Gọi", "Call"),
    "enter_ticket": ("Hãy nhập số thứ tự, ví dụ A023", "Enter a ticket number, e.g. A023"),
    "nobody_left": ("Không còn ai đang chờ", "Nobody is waiting"),
    "called": ("Đã gọi số {label}", "Called {label}"),
    "transferred": ("Đã chuyển số {label} sang {field}", "Ticket {label} transferred to {field}"),
    "db_lost": ("Mất kết nối cơ sở dữ liệu — đang thử lại", "Database unreachable — retrying"),
    "printer_fault": ("Máy in ở kiosk {kiosk} báo lỗi ({detail}) — số {label}",
                      "The printer at kiosk {kiosk} reports a fault ({detail}) — ticket {label}"),
    # counter window: the recognised visitor and deletion on request
    "visitor_recognised": ("Khách đã nhận diện: mã {id}", "Recognised visitor: id {id}"),
    "visitor_name": ("Khách: {name}", "Visitor: {name}"),
    "visitor_visits": ("Các lần đến trước:", "Previous visits:"),
    "forget_button": ("Xóa dữ liệu nhận diện của khách", "Delete the visitor's recognition data"),
    "forget_question": ("Khách yêu cầu xóa khuôn mặt và CCCD đã lưu?",
                        "Does the visitor ask to delete their stored face and CCCD?"),
    "forget_confirm": ("Xác nhận xóa", "Confirm deletion"),
    "forget_failed": ("Không xóa được dữ liệu khách: {reason}", "Could not delete the visitor's data: {reason}"),
    "no_visitor_store": ("chưa có kho dữ liệu khách", "no visitor store here"),
    "forgotten_label": ("Đã xóa dữ liệu nhận diện của khách", "Visitor data deleted"),
    "forgotten": ("Đã xóa toàn bộ dữ liệu nhận diện của khách (đã ghi nhật ký)",
                  "All the visitor's recognition data was deleted (logged)"),
    # counter window: the actions ("action_" + action; staff_model.ACTIONS)
    "action_call_next": ("Gọi số tiếp theo", "Call next"),
    "action_recall": ("Gọi lại", "Recall"),
    "action_start": ("Bắt đầu", "Start"),
    "action_finish": ("Hoàn thành", "Finish"),
    "action_no_show": ("Vắng mặt", "No-show"),
    "action_transfer": ("Chuyển lĩnh vực", "Transfer"),
    "action_call_number": ("Gọi số…", "Call a number…"),
    "action_pause": ("Tạm dừng quầy", "Pause counter"),
    "action_resume": ("Tiếp tục quầy", "Resume counter"),
    "action_reactivate": ("Khôi phục số", "Restore ticket"),
    # counter window: the ticket panel (staff_model.describe_ticket)
    "caption_field": ("Lĩnh vực", "Field"),
    "caption_procedure": ("Thủ tục", "Procedure"),
    "caption_priority": ("Ưu tiên", "Priority"),
    "caption_waited": ("Đã chờ", "Waited"),
    "caption_status": ("Trạng thái", "Status"),
    "minutes": ("{n} phút", Plural("{n} minute", "{n} minutes")),
    "status_called_hint": ("{status} — chờ công dân đến", "{status} — waiting for the citizen"),
    "called_times": ("{status} (gọi {n} lần)", Plural("{status} (called {n} time)", "{status} (called {n} times)")),
    # waiting-room board
    "board_title": ("Bảng gọi số", "Queue board"),
    "default_office": ("Trung tâm Phục vụ hành chính công", "Public Administration Service Centre"),
    "reconnecting": ("Đang kết nối lại…", "Reconnecting…"),
    "loading": ("Đang tải…", "Loading…"),
    "welcome": ("Xin chào quý công dân", "Welcome"),
    "paused": ("Tạm dừng", "Paused"),
    "recent_title": ("VỪA GỌI", "JUST CALLED"),
    "to_counter": ("→ Quầy {n}", "→ Counter {n}"),
    "waiting_total": ("ĐANG CHỜ: {n}", "WAITING: {n}"),
    "board_nobody_waiting": ("Không có ai đang chờ", "Nobody is waiting"),
    "field_waiting": ("{n} người · ~{m} phút", Plural("{n} person · ~{m} min", "{n} people · ~{m} min")),
    "not_available": ("Tạm ngừng", "Not available"),
    "field_waiting_note": ("{n} người · {note}", Plural("{n} person · {note}", "{n} people · {note}")),
    # command line (counter_display/__main__.py)
    "cli_staff": ("cửa sổ quầy của cán bộ", "officer's counter window"),
    "cli_board": ("bảng gọi số phòng chờ", "waiting-room board"),
    "missing_sounds": ("Thiếu {n} tệp âm thanh, ví dụ {example}",
                       Plural("missing {n} sound file: {example}", "missing {n} sound files, e.g. {example}")),
}, dynamic_prefixes=("action_",))
