"""Words printed on the ticket, in Vietnamese and English."""
from __future__ import annotations

TICKET_WORDS = {
    "vi": {
        "heading": "SỐ THỨ TỰ",
        "priority": "ƯU TIÊN",
        "field": "Lĩnh vực: {}",
        "procedure": "Thủ tục: {}",
        "counter": "Mời đến quầy: {}",
        "counters": "Mời đến quầy: {}",
        "waiting": "Số người đang chờ trước bạn: {}",
        "estimate": "Thời gian chờ dự kiến: khoảng {} phút",
        "estimate_none": "Thời gian chờ dự kiến: sắp đến lượt",
        "issued": "Giờ lấy số: {}",
        "note": "Vui lòng chú ý màn hình và loa gọi số",
        "test_title": "TRANG IN THỬ",
    },
    "en": {
        "heading": "TICKET NUMBER",
        "priority": "PRIORITY",
        "field": "Service: {}",
        "procedure": "Procedure: {}",
        "counter": "Please go to counter {}",
        "counters": "Please go to counters {}",
        "waiting": "People waiting ahead of you: {}",
        "estimate": "Estimated wait: about {} min",
        "estimate_none": "Estimated wait: you are next",
        "issued": "Issued: {}",
        "note": "Please watch the screen and listen for your number",
        "test_title": "TEST PAGE",
    },
}


def words(language: str) -> dict[str, str]:
    return TICKET_WORDS.get(language, TICKET_WORDS["vi"])
