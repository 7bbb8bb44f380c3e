"""The kiosk's admin PIN (the only way out of the kiosk screen): asked for by ``kiosk-admin init`` or
``kiosk-admin admin-pin`` and stored as its argon2 hash, ``admin_pin_hash``, in the configuration file in use
(``--config``, else ``$KIOSK_CONFIG``, else the default kiosk.toml, created 0600). The PIN itself is never
written, printed or logged. No default PIN exists."""
from __future__ import annotations

import getpass
import shlex
import sys
from typing import Any

from admin.common import EXIT_REFUSED
from admin.texts import WORDS
from bilingual import LocalizedError
from core.config import set_config_value
from db.auth import check_new_pin, hash_pin

KEY = "admin_pin_hash"


class PinsDiffer(LocalizedError):
    """The PIN typed twice on a terminal was not the same both times."""


def read_admin_pin_hash(from_stdin: bool) -> str:
    """Read a new PIN (one line from stdin, or twice on a terminal), check it like an officer's PIN
    (db.auth.check_new_pin: 6–12 digits, not trivial) and return only its hash."""
    if from_stdin or not sys.stdin.isatty():
        pin = sys.stdin.readline()
    else:
        pin = getpass.getpass(WORDS.both("admin_pin_prompt") + ": ")
        if getpass.getpass(WORDS.both("admin_pin_again") + ": ") != pin:
            raise PinsDiffer(*WORDS.pair("admin_pin_differ"))
    return hash_pin(check_new_pin(pin))


def set_command(args) -> str:
    """The command that sets the PIN for this configuration file (``--config`` only if it was given: the
    default file may not exist yet, and ``$KIOSK_CONFIG`` is inherited)."""
    given = getattr(args, "config_given", None)
    return f"kiosk-admin --config {shlex.quote(str(given))} admin-pin" if given else "kiosk-admin admin-pin"


def store(args, pin_hash: str) -> int:
    path = args.config_file
    try:
        created = set_config_value(path, KEY, pin_hash)
    except OSError as exc:
        print(WORDS.both("admin_pin_not_writable", path=path, reason=exc.strerror or type(exc).__name__),
              file=sys.stderr)
        print(f'{KEY} = "{pin_hash}"', file=sys.stderr)
        return EXIT_REFUSED
    print(WORDS.both("admin_pin_created" if created else "admin_pin_saved", path=path))
    if args.config.admin_pin:
        print(WORDS.both("admin_pin_plain_left", path=path), file=sys.stderr)
    return 0


# ---- kiosk-admin init
def before_init(args) -> str | None:
    """Before init changes anything: the hash to store afterwards, or None (skipped, already set, or no one
    to ask). A weak PIN or two different entries stop init here."""
    if args.no_admin_pin:
        return None
    if args.admin_pin_from_stdin:
        return read_admin_pin_hash(from_stdin=True)
    if args.config.admin_pin_hash or not sys.stdin.isatty():
        return None
    return read_admin_pin_hash(from_stdin=False)


def after_init(args, pin_hash: str | None) -> int:
    if pin_hash:
        return store(args, pin_hash)
    if not args.no_admin_pin and not args.config.admin_pin_hash:   # never blocks: one line says what to do
        print(WORDS.both("admin_pin_missing", command=set_command(args)), file=sys.stderr)
    return 0


def add_init_arguments(p) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--admin-pin-from-stdin", action="store_true",
                   help="read the kiosk admin PIN from one line of stdin and store its hash (admin_pin_hash) in "
                        "the configuration file (default on a terminal without admin_pin_hash: asked twice)")
    g.add_argument("--no-admin-pin", action="store_true", help="do not ask for the kiosk admin PIN")


# ---- kiosk-admin admin-pin
def cmd_admin_pin(args) -> int:
    """Set (or replace) the kiosk admin PIN: asked twice on a terminal, else one line from stdin."""
    return store(args, read_admin_pin_hash(from_stdin=False))


def add_commands(sub: Any) -> None:
    p = sub.add_parser("admin-pin", help="đặt mã quản trị kiosk (admin_pin_hash) / set the kiosk admin PIN "
                                         "(its hash goes into the configuration file)")
    p.set_defaults(handler=cmd_admin_pin)
