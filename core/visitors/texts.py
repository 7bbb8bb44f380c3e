"""The words of the face-recognition screens, Vietnamese and English: one ``bilingual.Catalogue``.

    face_tr("vi", "greeting", name="bác An")  -> "Chào mừng bác An quay lại"

The consent text is here too ("consent"), versioned by CONSENT_VERSION: change the two together (each
consent record keeps the version the citizen agreed to).
"""
from __future__ import annotations

from bilingual import Catalogue

CONSENT_VERSION = "2026-11-v1"

WORDS = Catalogue("visitors", {
    "camera_notice": ("Khu vực có camera nhận diện khuôn mặt — chỉ dùng khi bạn đồng ý",
                      "Face recognition camera in this area — used only with your consent"),
    "greeting": ("Chào mừng {name} quay lại", "Welcome back, {name}"),
    "greeting_anonymous": ("Chào mừng bác quay lại", "Welcome back"),
    "last_field_first": ("Lĩnh vực lần trước được xếp đầu tiên.", "Your last field is shown first."),
    "not_me": ("Không phải tôi", "This is not me"),
    "delete_my_data": ("Xóa dữ liệu của tôi", "Delete my data"),
    # second factor: the date of birth typed on the keypad (core/visitors/second_factor.py). Nothing here may
    # depend on who is shortlisted: the screen must be the same for everyone.
    "birth_title": ("Bác sinh ngày, tháng, năm nào?", "What is your date of birth?"),
    "birth_hint": ("Bấm 2 số ngày, 2 số tháng, rồi 4 số năm. Ví dụ: sinh ngày 5 tháng 3 năm 1952 "
                   "thì bấm 0 5 0 3 1 9 5 2.",
                   "Type 2 digits for the day, 2 for the month, then 4 for the year. Example: 5 March 1952 "
                   "is 0 5 0 3 1 9 5 2."),
    "birth_day": ("Ngày", "Day"),
    "birth_month": ("Tháng", "Month"),
    "birth_year": ("Năm", "Year"),
    "birth_delete": ("Xóa", "Delete"),
    "birth_ok": ("Xong", "Done"),
    "birth_wrong": ("Chưa đúng. Bác bấm lại ngày tháng năm sinh.",
                    "Not right. Please type your date of birth again."),
    "birth_incomplete": ("Bác bấm đủ 8 số: 2 số ngày, 2 số tháng, 4 số năm.",
                         "Please type all 8 digits: 2 for the day, 2 for the month, 4 for the year."),
    "birth_bad_month": ("Không có tháng {month}. Tháng từ 01 đến 12.",
                        "There is no month {month}. Months go from 01 to 12."),
    "birth_bad_day": ("Tháng {month} năm {year} không có ngày {day}.", "Month {month} of {year} has no day {day}."),
    "birth_bad_year": ("Năm sinh {year} không đúng. Bác bấm 4 số, ví dụ 1952.",
                       "Year of birth {year} is not possible. Please type 4 digits, e.g. 1952."),
    # offer and consent
    "offer_title": ("Lần sau nhận diện nhanh hơn?", "Faster recognition next time?"),
    "offer_text": ("Máy có thể nhận ra bác ở lần sau, chào bác và gợi ý lĩnh vực lần trước. Chỉ khi bác đồng ý.",
                   "The kiosk can recognise you next time, greet you and offer your last field first. "
                   "Only if you agree."),
    "offer_more": ("Tìm hiểu", "Learn more"),
    "offer_skip": ("Không, cảm ơn", "No, thank you"),
    "consent": (
        "NHẬN DIỆN KHUÔN MẶT KHI QUAY LẠI\n"
        "Mục đích: nhận ra bác khi quay lại để lấy số nhanh hơn và gợi ý lĩnh vực lần trước.\n"
        "Lưu gì: đặc trưng khuôn mặt dạng số (không lưu ảnh), và nếu bác quét CCCD: số CCCD, họ tên, "
        "ngày sinh. Tất cả được mã hóa, chỉ lưu tại trung tâm này.\n"
        "Bao lâu: xóa tự động sau {months} tháng không đến trung tâm.\n"
        "Xóa khi nào bác muốn: bấm \"Xóa dữ liệu của tôi\" trên máy, hoặc nhờ cán bộ tại quầy.\n"
        "Không đồng ý bác vẫn được lấy số như bình thường.",
        "FACE RECOGNITION ON YOUR NEXT VISIT\n"
        "Purpose: recognise you when you come back, so you get a number faster and your last field is offered first.\n"
        "What is kept: numeric face features (no photo) and, if you scan your CCCD: ID number, name, date of "
        "birth. All encrypted, stored only at this centre.\n"
        "How long: deleted automatically after {months} months without a visit.\n"
        "Delete any time: press \"Delete my data\" on the kiosk, or ask an officer at the counter.\n"
        "If you decline, you still get a ticket as usual."),
    "consent_title": ("Đồng ý nhận diện khuôn mặt?", "Agree to face recognition?"),
    "agree": ("Đồng ý", "I agree"),
    "disagree": ("Không đồng ý", "I do not agree"),
    "refused": ("Cảm ơn bác. Máy không lưu gì về bác. Bác vẫn lấy số như bình thường.",
                "Thank you. Nothing about you is kept. You get tickets as usual."),
    # CCCD scan
    "scan_title": ("Quét mã QR trên CCCD", "Scan the QR code on your CCCD"),
    "scan_hint": ("Đưa mặt sau có mã QR của thẻ CCCD vào máy quét (hoặc trước camera), và nhìn vào màn hình.",
                  "Hold the back of your CCCD with the QR code to the scanner (or the camera), "
                  "and look at the screen."),
    "scan_privacy": ("Máy chỉ giữ số CCCD, họ tên, ngày sinh (đã mã hóa). Không lưu ảnh.",
                     "Only the ID number, name and date of birth are kept (encrypted). No photo."),
    "scan_error": ("Mã chưa đọc được: {reason}", "The code could not be used: {reason}"),
    "scan_saving": ("Đã đọc được thẻ. Đang lưu, bác vui lòng nhìn vào màn hình một chút…",
                    "Card read. Saving, please keep looking at the screen for a moment…"),
    "cancel": ("Hủy", "Cancel"),
    "register_no_face": ("Chưa thấy rõ khuôn mặt. Bác vui lòng nhìn thẳng vào màn hình rồi quét lại.",
                         "Your face was not seen clearly. Please look at the screen and scan again."),
    "register_name_without_diacritics": (
        "Tên trên thẻ bị mất dấu khi quét. Bác vui lòng đưa mã QR trên thẻ trước camera, hoặc nhờ cán bộ giúp.",
        "The name on the card lost its accents when scanned. Please hold the card's QR code to the camera, or ask "
        "an officer."),
    "register_nothing_to_confirm": ("Không có tên nào đang chờ xác nhận, vui lòng quét lại.",
                                    "No name is waiting to be confirmed, please scan again."),
    # a keyboard-wedge scanner dropped the Vietnamese letters: ask, never store a wrong name
    "name_check_title": ("Tên của bác có dấu không?", "Does your name have accent marks?"),
    "name_check_read": ("Máy quét đọc được tên:", "The scanner read this name:"),
    "name_check_text": ("Máy quét này không gõ được chữ có dấu, nên tên có thể đã bị mất dấu. "
                        "Máy không lưu tên sai.",
                        "This scanner drops Vietnamese accent marks: they may be lost. "
                        "A wrong name is never saved."),
    "name_check_rescan": ("Tên có dấu: quét lại bằng camera", "My name has accents: scan with the camera"),
    "name_check_confirm": ("Tên không có dấu: đúng như trên", "My name has no accents: it is right as shown"),
    "scan_with_camera": ("Bác đưa mã QR trên thẻ trước camera, cách khoảng 10 cm, và giữ yên một lát.",
                         "Hold the QR code on your card in front of the camera, about 10 cm away, and keep it "
                         "still for a moment."),
    "register_store_failed": ("Chưa lưu được, vui lòng thử lại hoặc nhờ cán bộ giúp.",
                              "Could not save, please try again or ask an officer."),
    "registered": ("Đã xong. Lần sau máy sẽ chào {name}.", "Done. Next time the kiosk will greet {name}."),
    "registered_anonymous": ("Đã xong. Lần sau máy sẽ nhận ra bác.", "Done. Next time the kiosk will recognise you."),
    # deletion
    "delete_title": ("Xóa dữ liệu của bác?", "Delete your data?"),
    "delete_text": ("Máy sẽ xóa ngay đặc trưng khuôn mặt, số CCCD, họ tên và ngày sinh của bác. Không thể khôi phục.",
                    "The kiosk deletes your face features, ID number, name and date of birth now. "
                    "This cannot be undone."),
    "delete_yes": ("Xóa", "Delete"),
    "delete_no": ("Không xóa", "Do not delete"),
    "deleted": ("Đã xóa toàn bộ dữ liệu của bác.", "All your data has been deleted."),
    "done": ("Xong", "Done"),
    # liveness (face_liveness = "blink"): before a greeting, the person shows they are not a photo
    "liveness_blink_title": ("Xin vui lòng chớp mắt", "Please blink"),
    "liveness_blink_hint": ("Bác nhìn vào camera và chớp mắt thật chậm một lần, để máy biết bác đang đứng đây.",
                            "Look at the camera and blink slowly once, so the kiosk knows you are really here."),
    "liveness_skip": ("Bỏ qua, lấy số như thường", "Skip, take a number as usual"),
    # what the counter window shows about a recognised visitor (core/visitors/access.py)
    "view_role_refused": ("Vai trò của cán bộ không được xem thông tin khách",
                          "The officer's role may not see visitor details"),
    "view_no_store": ("Chưa kết nối kho dữ liệu khách — chỉ hiện mã khách",
                      "No visitor store connected — only the visitor id is shown"),
    "view_unreadable": ("Không đọc được thông tin khách: {reason}", "Cannot read the visitor's details: {reason}"),
    "view_face_only": ("Khách không đăng ký CCCD (chỉ nhận diện khuôn mặt)",
                       "The visitor has no CCCD registered (face recognition only)"),
    "view_last_field": ("Lần trước: lĩnh vực {field}", "Last time: field {field}"),
})


def face_tr(lang: str, key: str, **values) -> str:
    return WORDS.text(lang, key, **values)
