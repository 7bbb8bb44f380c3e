"""The printer's words in Vietnamese and English: what the ticket says, and what a print job's outcome
tells the citizen and the staff (printer/status.py). One ``bilingual.Catalogue``."""
from __future__ import annotations

from bilingual import Catalogue, Plural

WORDS = Catalogue("printer", {
    # printed on the ticket (printer/layout.py)
    "ticket_heading": ("SỐ THỨ TỰ", "TICKET NUMBER"),
    "ticket_priority": ("ƯU TIÊN", "PRIORITY"),
    "ticket_field": ("Lĩnh vực: {name}", "Service: {name}"),
    "ticket_procedure": ("Thủ tục: {name}", "Procedure: {name}"),
    "ticket_counters": ("Mời đến quầy: {counters}",
                        Plural("Please go to counter {counters}", "Please go to counters {counters}")),
    "ticket_waiting": ("Số người đang chờ trước bạn: {n}", "People waiting ahead of you: {n}"),
    "ticket_estimate": ("Thời gian chờ dự kiến: khoảng {m} phút", "Estimated wait: about {m} min"),
    "ticket_estimate_none": ("Thời gian chờ dự kiến: sắp đến lượt", "Estimated wait: you are next"),
    "ticket_issued": ("Giờ lấy số: {time}", "Issued: {time}"),
    "ticket_note": ("Vui lòng chú ý màn hình và loa gọi số", "Please watch the screen and listen for your number"),
    "ticket_rating_qr": ("Sau khi được phục vụ, mời quét mã này tại kiosk để đánh giá",
                         "After your service, scan this code at the kiosk to rate it"),
    "test_title": ("TRANG IN THỬ", "TEST PAGE"),
    # what the citizen reads after a print job (PrintResult.citizen_message)
    "citizen_printed": ("Mời bạn nhận phiếu số thứ tự bên dưới.", "Please take your ticket below."),
    "citizen_not_printed": ("Chưa in được phiếu. Số thứ tự của bạn vẫn được giữ: vui lòng ghi nhớ số trên màn "
                            "hình hoặc nhờ cán bộ in lại phiếu.",
                            "Your ticket could not be printed. Your number is still valid: please note the "
                            "number on the screen or ask a staff member to reprint it."),
    # what the staff read, one per PrintStatus (PrintResult.staff_message: "staff_" + status.value)
    "staff_printed": ("Đã in phiếu.", "Ticket printed."),
    "staff_paper_low": ("Đã in phiếu. Máy in sắp hết giấy: chuẩn bị thay cuộn giấy mới.",
                        "Ticket printed. The printer is running out of paper: change the roll soon."),
    "staff_paper_out": ("Máy in hết giấy: thay cuộn giấy rồi in lại phiếu.",
                        "The printer is out of paper: load a new roll, then reprint the ticket."),
    "staff_cover_open": ("Nắp máy in đang mở: đóng nắp rồi in lại phiếu.",
                         "The printer cover is open: close it, then reprint the ticket."),
    "staff_offline": ("Máy in báo lỗi hoặc ngoại tuyến: kiểm tra đèn báo, giấy kẹt, dao cắt rồi in lại.",
                      "The printer reports an error or is offline: check its lights, paper jam and cutter, "
                      "then reprint."),
    "staff_no_response": ("Máy in không phản hồi: kiểm tra nguồn điện, dây cáp và mạng rồi in lại.",
                          "The printer does not answer: check its power, cable and network, then reprint."),
    "staff_refused": ("Máy in từ chối kết nối: kiểm tra địa chỉ, cổng máy in, hoặc máy in đang bận.",
                      "The printer refused the connection: check its address and port, or it is busy."),
    "staff_error": ("Lỗi khi in phiếu", "Printing failed"),
}, dynamic_prefixes=("staff_",))
