"""``kiosk-admin`` commands on returning visitors: faces and the privacy register.

    kiosk-admin face enroll --visitor ID IMAGE...      # visitor must have consented
    kiosk-admin face identify GROUP... [--json]        # GROUP: a folder, or files joined by ","; one result each
    kiosk-admin face forget ID
    kiosk-admin privacy purge [--months N]
    kiosk-admin privacy verify-audit                   # the audit log's hash chain is intact (exit 1 if not)

Exit status: 0 done, 2 refused (bad input, no consent, no usable face), 3 face recognition unavailable.
"""
from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from admin.common import VISITOR_ID, bounded_int

EXIT_REFUSED, EXIT_UNAVAILABLE = 2, 3


def add_commands(subparsers: Any) -> None:
    face = subparsers.add_parser("face", help="nhận diện khuôn mặt / face recognition")
    face_sub = face.add_subparsers(dest="face_command", required=True)
    p = face_sub.add_parser("enroll", help="thêm mẫu khuôn mặt / enrol face templates")
    p.add_argument("--visitor", type=VISITOR_ID, required=True)
    p.add_argument("images", nargs="+")
    p.set_defaults(handler=cmd_face_enroll)
    p = face_sub.add_parser("identify", help="nhận diện / identify (one result per image group)")
    p.add_argument("groups", nargs="+", help="a folder of frames, or image files joined with ','")
    p.add_argument("--json", action="store_true")
    p.add_argument("--min-frames", type=bounded_int(1, 1000, "frames"), default=None, help="agreeing frames needed (default: rule)")
    p.set_defaults(handler=cmd_face_identify)
    p = face_sub.add_parser("forget", help="xóa dữ liệu của khách / delete a visitor's data")
    p.add_argument("visitor", type=VISITOR_ID)
    p.add_argument("--actor", default=None)
    p.set_defaults(handler=cmd_face_forget)

    privacy = subparsers.add_parser("privacy", help="dữ liệu cá nhân / personal data")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    p = privacy_sub.add_parser("purge", help="xóa dữ liệu quá hạn / purge expired visitors")
    p.add_argument("--months", type=bounded_int(1, 1200, "months"), default=None, help="default: retention_months from the config")
    p.set_defaults(handler=cmd_privacy_purge)
    p = privacy_sub.add_parser("verify-audit", help="kiểm tra nhật ký truy cập / verify the audit log's chain")
    p.set_defaults(handler=cmd_privacy_verify_audit)


def _actor(args: argparse.Namespace) -> str:
    return getattr(args, "actor", None) or f"admin:{getpass.getuser()}"


def _db_url(args: argparse.Namespace) -> str:
    return getattr(args, "db", None) or args.config.resolved_db_url


def open_store(args: argparse.Namespace) -> Any:
    import db  # noqa: PLC0415 - only the commands that need the database load it
    from core.visitors.store import VisitorStore  # noqa: PLC0415

    from core.visitors.store import KeyFileError  # noqa: PLC0415

    try:
        return VisitorStore(db.open_queue(_db_url(args)), args.config.resolved_key_file)
    except KeyFileError as exc:   # never a new key here: only 'kiosk-admin init' makes one
        raise SystemExit(_fail(str(exc), EXIT_UNAVAILABLE)) from None


def _fail(message: str, code: int = EXIT_REFUSED) -> int:
    print(message, file=sys.stderr)
    return code


def cmd_face_enroll(args: argparse.Namespace) -> int:
    from core.visitors.recognition import FaceUnavailable, Recognizer  # noqa: PLC0415
    from core.visitors.store import PrivacyError  # noqa: PLC0415

    store = open_store(args)
    try:
        rec = Recognizer(store)
        samples = rec.analyse(args.images)
        good = [s.encoding for s in samples if s.encoding is not None]
        for image, s in zip(args.images, samples):
            if not s.ok:
                print(f"{image}: bỏ qua / skipped ({s.reason})", file=sys.stderr)
        if not good:
            return _fail("Không có ảnh khuôn mặt dùng được / no usable face in the images")
        added = rec.add_encodings(args.visitor, good)
    except FaceUnavailable as exc:
        return _fail(str(exc), EXIT_UNAVAILABLE)
    except PrivacyError as exc:
        return _fail(str(exc))
    print(f"Đã thêm {added} mẫu cho khách {args.visitor} / added {added} template(s) to visitor {args.visitor}")
    return 0


def _group_images(group: str) -> list[Path]:
    path = Path(group)
    if path.is_dir():
        from core.visitors.recognition.camera import IMAGE_SUFFIXES  # noqa: PLC0415
        return sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    return [Path(p) for p in group.split(",") if p]


def cmd_face_identify(args: argparse.Namespace) -> int:
    from core.visitors.recognition import FaceUnavailable, Recognizer  # noqa: PLC0415

    store = open_store(args)
    try:
        rec = Recognizer(store)
        if args.min_frames is not None:
            rec.rule = dataclasses.replace(rec.rule, min_frames=max(1, args.min_frames))
        results = []
        for group in args.groups:
            samples = rec.analyse(_group_images(group))
            decision = rec.decide_encodings([s.encoding for s in samples if s.encoding is not None])
            m = decision.match
            results.append({"group": group, "visitor_id": m.visitor_id if m else None,
                            "distance": round(m.distance, 4) if m else None,
                            "margin": round(m.margin, 4) if m else None,
                            "frames_agreeing": m.frames_agreeing if m else 0,
                            "frames_usable": sum(s.ok for s in samples), "frames": len(samples),
                            "reason": decision.reason, "shortlist": list(decision.shortlist)})
    except FaceUnavailable as exc:
        return _fail(str(exc), EXIT_UNAVAILABLE)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for r in results:
            who = f"khách {r['visitor_id']} (d={r['distance']})" if r["visitor_id"] else "không rõ / unknown"
            print(f"{r['group']}: {who} [{r['reason']}]")
    return 0


def cmd_face_forget(args: argparse.Namespace) -> int:
    store = open_store(args)
    if store.forget(args.visitor, _actor(args)):
        print(f"Đã xóa toàn bộ dữ liệu của khách {args.visitor} / all data of visitor {args.visitor} deleted")
        return 0
    return _fail(f"Không có khách {args.visitor} / no visitor {args.visitor}")


def cmd_privacy_verify_audit(args: argparse.Namespace) -> int:
    import db  # noqa: PLC0415
    from core.visitors.store import VisitorStore  # noqa: PLC0415

    # The chain needs no key: it is checked on what is stored, so any admin machine can run it.
    check = VisitorStore.verify_audit_on(db.open_queue(_db_url(args)).engine)
    if check.ok:
        print(f"Nhật ký nguyên vẹn: {check.entries} mục / audit log intact: {check.entries} entries")
        return 0
    for problem in check.problems:
        print(problem, file=sys.stderr)
    print(f"NHẬT KÝ ĐÃ BỊ SỬA: {len(check.problems)} lỗi / AUDIT LOG TAMPERED WITH: {len(check.problems)} "
          f"problem(s) in {check.entries} entries", file=sys.stderr)
    return 1


def cmd_privacy_purge(args: argparse.Namespace) -> int:
    from core.visitors.store import PrivacyError  # noqa: PLC0415

    months = args.months if args.months is not None else args.config.retention_months
    try:
        purged = open_store(args).purge(months, actor=_actor(args))
    except PrivacyError as exc:
        return _fail(str(exc))
    print(f"Đã xóa {purged} khách không đến trong {months} tháng / purged {purged} visitor(s)")
    return 0
