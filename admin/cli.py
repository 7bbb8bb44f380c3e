"""kiosk-admin: set up and operate the queue from a terminal (Qt-free).

    kiosk-admin [--db URL] [--config PATH] init | issue | call | recall | start | finish | no-show |
                reactivate | transfer | pause | resume | status | events | officer add | admin-pin | face | cccd |
                privacy

The database is ``--db``, else ``KIOSK_DB_URL`` (or the config file), else a SQLite file in the user's data
directory. Errors go to stderr in plain words with a non-zero exit code: 1 the queue refused, 2 bad input,
3 the database is unreachable. The kiosk admin PIN (``init``, ``admin-pin``): 1 it breaks the PIN rules or the
configuration file cannot be written, 2 the two entries differ.
"""
from __future__ import annotations

import argparse
import sys

import db
from db import QueueError, Unavailable

from admin import cccd, kiosk_pin, officers, printer, queue, report, selftest, visitors
from admin.common import EXIT_REFUSED, EXIT_UNAVAILABLE, EXIT_USAGE
from core.config import ConfigError, config_file, load_config

COMMAND_GROUPS = (queue, officers, kiosk_pin, visitors, cccd, printer, selftest, report)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="kiosk-admin", description="Quản trị hàng đợi / queue administration")
    ap.add_argument("--db", help="database URL (else KIOSK_DB_URL, else a SQLite file in the data directory)")
    ap.add_argument("--config", help="configuration file (TOML)")
    sub = ap.add_subparsers(dest="command", required=True)
    for group in COMMAND_GROUPS:
        group.add_commands(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.config_given, args.config_file = args.config, config_file(args.config)   # where admin_pin_hash goes
        args.config = load_config(args.config, db_url=args.db)
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"Lỗi cấu hình / configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Unavailable as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except db.CatalogueError as exc:
        print(f"Danh mục không hợp lệ, không thay đổi gì / invalid catalogue, nothing changed:\n  {exc}",
              file=sys.stderr)
        return EXIT_USAGE
    except QueueError as exc:
        print(f"Không thực hiện được / refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except kiosk_pin.PinsDiffer as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
