"""The words of the face-recognition screens, Vietnamese and English (kept apart from kiosk/i18n.py).

    face_tr("vi", "greeting", name="bác An")  -> "Chào mừng bác An quay lại"

The consent text itself is ``core.visitors.store.consent_text`` (versioned: CONSENT_VERSION).
"""
from __future__ import annotations

FACE_STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "camera_notice": "Khu vực có camera nhận diện khuôn mặt — chỉ dùng khi bạn đồng ý",
        "greeting": "Chào mừng {name} quay lại",
        "greeting_anonymous": "Chào mừng bác quay lại",
        "last_field_first": "Lĩnh vực lần trước được xếp đầu tiên.",
        "not_me": "Không phải tôi",
        "delete_my_data": "Xóa dữ liệu của tôi",
        # second factor
        "birth_date_title": "Ngày sinh của bác là ngày nào?",
        "birth_date_hint": "Chạm vào ngày sinh của bác để máy nhận ra bác.",
        # offer and consent
        "offer_title": "Lần sau nhận diện nhanh hơn?",
        "offer_text": "Máy có thể nhận ra bác ở lần sau, chào bác và gợi ý lĩnh vực lần trước. "
                      "Chỉ khi bác đồng ý.",
        "offer_more": "Tìm hiểu",
        "offer_skip": "Không, cảm ơn",
        "consent_title": "Đồng ý nhận diện khuôn mặt?",
        "agree": "Đồng ý",
        "disagree": "Không đồng ý",
        "refused": "Cảm ơn bác. Máy không lưu gì về bác. Bác vẫn lấy số như bình thường.",
        # CCCD scan
        "scan_title": "Quét mã QR trên CCCD",
        "scan_hint": "Đưa mặt sau có mã QR của thẻ CCCD vào máy quét (hoặc trước camera), "
                     "và nhìn vào màn hình.",
        "scan_privacy": "Máy chỉ giữ số CCCD, họ tên, ngày sinh (đã mã hóa). Không lưu ảnh.",
        "scan_error": "Mã chưa đọc được: {reason}",
        "cancel": "Hủy",
        "registered": "Đã xong. Lần sau máy sẽ chào {name}.",
        "registered_anonymous": "Đã xong. Lần sau máy sẽ nhận ra bác.",
        # deletion
        "delete_title": "Xóa dữ liệu của bác?",
        "delete_text": "Máy sẽ xóa ngay đặc trưng khuôn mặt, số CCCD, họ tên và ngày sinh của bác. "
                       "Không thể khôi phục.",
        "delete_yes": "Xóa",
        "delete_no": "Không xóa",
        "deleted": "Đã xóa toàn bộ dữ liệu của bác.",
        "done": "Xong",
    },
    "en": {
        "camera_notice": "Face recognition camera in this area — used only with your consent",
        "greeting": "Welcome back, {name}",
        "greeting_anonymous": "Welcome back",
        "last_field_first": "Your last field is shown first.",
        "not_me": "This is not me",
        "delete_my_data": "Delete my data",
        "birth_date_title": "What is your date of birth?",
        "birth_date_hint": "Tap your date of birth so the kiosk can recognise you.",
        "offer_title": "Faster recognition next time?",
        "offer_text": "The kiosk can recognise you next time, greet you and offer your last field first. "
                      "Only if you agree.",
        "offer_more": "Learn more",
        "offer_skip": "No, thank you",
        "consent_title": "Agree to face recognition?",
        "agree": "I agree",
        "disagree": "I do not agree",
        "refused": "Thank you. Nothing about you is kept. You get tickets as usual.",
        "scan_title": "Scan the QR code on your CCCD",
        "scan_hint": "Hold the back of your CCCD with the QR code to the scanner (or the camera), "
                     "and look at the screen.",
        "scan_privacy": "Only the ID number, name and date of birth are kept (encrypted). No photo.",
        "scan_error": "The code could not be used: {reason}",
        "cancel": "Cancel",
        "registered": "Done. Next time the kiosk will greet {name}.",
        "registered_anonymous": "Done. Next time the kiosk will recognise you.",
        "delete_title": "Delete your data?",
        "delete_text": "The kiosk deletes your face features, ID number, name and date of birth now. "
                       "This cannot be undone.",
        "delete_yes": "Delete",
        "delete_no": "Do not delete",
        "deleted": "All your data has been deleted.",
        "done": "Done",
    },
}


def face_tr(lang: str, key: str, **values) -> str:
    table = FACE_STRINGS.get(lang, FACE_STRINGS["vi"])
    text = table.get(key, FACE_STRINGS["vi"][key])
    return text.format(**values) if values else text
