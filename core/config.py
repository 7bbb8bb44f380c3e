"""The one configuration object for every process of the system (Qt-free).

Precedence: defaults < TOML file < ``KIOSK_*`` environment variables < explicit overrides.
The file is ``--config PATH``, else ``$KIOSK_CONFIG``, else ``kiosk.toml`` in the user's config
directory (if it exists). Every field ``name`` can be overridden by ``KIOSK_NAME`` (upper case),
e.g. ``KIOSK_DB_URL``, ``KIOSK_PRINTER``, ``KIOSK_LANGUAGE``, ``KIOSK_IDLE_SECONDS``.

Machine-local settings live here; office data (fields, procedures, counters, hours) lives in the
database, loaded from the catalogue in ``assets/``.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

import platformdirs

from bilingual import LocalizedError

APP_NAME = "kiosk-queue"
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'queue.sqlite3'}"


class ConfigError(LocalizedError, ValueError):
    """A configuration file or variable that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class AppConfig:
    # --- shared -----------------------------------------------------------------------------
    db_url: str = ""                     # empty -> SQLite file in the user's data directory
    office: str = ""                     # office code; empty -> the only/first office
    language: str = "vi"                 # "vi" or "en": the first language shown to the citizen
    screen: str = ""                     # which monitor: "" primary, "1" (index) or a name such as "HDMI-1"
    # --- kiosk ------------------------------------------------------------------------------
    kiosk_id: str = "kiosk-1"
    printer: str = ""                    # device URL; empty -> preview folder in the data directory
    paper_width: int = 576               # dots: 384 (58 mm), 576 (80 mm), 512, 640
    ticket_qr: str = ""                  # QR payload template on tickets, e.g. "https://dvc.example/{procedure_code}"
    idle_seconds: int = 45               # any screen -> home after this long without a touch
    ticket_seconds: int = 20             # ticket screen -> home after this long
    fullscreen: bool = True
    theme: str = "light"                 # "light" or "dark" (both high contrast)
    # Long-press the clock, then the admin PIN, to leave the kiosk. No default: `kiosk-admin init` (on a
    # terminal) or `kiosk-admin admin-pin` writes admin_pin_hash into the file (argon2; the PIN itself is stored
    # nowhere). admin_pin (plain text) still works but is logged as a weakness. Neither set: the kiosk cannot be
    # left from the screen.
    admin_pin: str = ""
    admin_pin_hash: str = ""
    voice_guidance: bool = False         # spoken hints on kiosk screens
    # --- face recognition and privacy -------------------------------------------------------
    camera: str = ""                     # "", "0" (device index), a video file, or a folder of images
    face_enabled: bool = False
    key_file: str = ""                   # AES key for encrypted columns; empty -> data_dir/visitor.key
    retention_months: int = 12
    # The CCCD scanner: "keyboard" (a keyboard wedge typing into the scan screen; on a US layout it drops
    # the Vietnamese letters: the kiosk then asks the citizen), or "serial:DEVICE[:BAUD]" for a scanner in
    # USB-serial (CDC) mode, e.g. "serial:/dev/ttyACM0", "serial:/dev/ttyACM0:9600", "serial:COM3".
    scanner: str = "keyboard"
    # "blink": before greeting a recognised visitor, ask them to blink (a printed photo cannot); failing or
    # skipping it only means no greeting, the ticket is issued as usual. "off" (default): greet at once.
    face_liveness: str = "off"
    face_liveness_seconds: int = 6       # the blink must come within this time
    # --- counter and board ------------------------------------------------------------------
    board_notice: str = "Vui lòng giữ trật tự và chú ý màn hình, loa gọi số."
    voice_enabled: bool = True
    voice_dialect: str = "north"         # "north" (nghìn, linh) or "south" (ngàn, lẻ)
    voice_label_mode: str = "letter_number"  # "A, hai mươi ba" or "digits": "A không hai ba"
    voice_repeat: int = 0                # times each call is repeated after the first (0: chime + sentence, ≤ 6 s)
    sounds_dir: str = ""                 # empty -> assets/sounds/vi

    @property
    def resolved_db_url(self) -> str:
        return self.db_url or default_db_url()

    @property
    def resolved_printer(self) -> str:
        return self.printer or f"preview://{data_dir() / 'printed'}"

    @property
    def resolved_key_file(self) -> Path:
        return Path(self.key_file) if self.key_file else data_dir() / "visitor.key"

    @property
    def scanner_setting(self) -> "ScannerSetting":
        return parse_scanner(self.scanner)

    @property
    def resolved_sounds_dir(self) -> Path:
        return Path(self.sounds_dir) if self.sounds_dir else ASSETS_DIR / "sounds" / "vi"

    def replace(self, **changes: Any) -> "AppConfig":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class ScannerSetting:
    """``AppConfig.scanner`` understood: ``kind`` "keyboard" or "serial", the device and its baud rate."""
    kind: str = "keyboard"
    device: str = ""
    baudrate: int = 9600


def parse_scanner(text: str) -> ScannerSetting:
    """"keyboard" | "serial:DEVICE[:BAUD]" -> ScannerSetting, else a ConfigError saying what is accepted."""
    value = text.strip()
    if value.lower() in ("", "keyboard"):
        return ScannerSetting()
    kind, _, rest = value.partition(":")
    kind = kind.lower()
    if kind == "serial" and rest:
        device, baud = rest, 9600
        head, _, tail = rest.rpartition(":")
        if head and tail.isdigit():
            device, baud = head, int(tail)
        if device and 300 <= baud <= 4_000_000:
            return ScannerSetting("serial", device, baud)
    if kind in ("hid", "hidraw", "hidpos", "hid-pos"):
        raise ConfigError(f"scanner: chế độ HID-POS chưa được hỗ trợ ({value!r}); hãy đặt máy quét ở chế độ "
                          f"USB-serial (CDC, scanner = \"serial:/dev/ttyACM0\") hoặc bàn phím (\"keyboard\")",
                          f"scanner: HID-POS mode is not supported ({value!r}); set the scanner to USB-serial "
                          f"(CDC, scanner = \"serial:/dev/ttyACM0\") or keyboard mode (\"keyboard\")")
    raise ConfigError(f"scanner phải là \"keyboard\" hoặc \"serial:THIẾT_BỊ[:TỐC_ĐỘ]\" "
                      f"(ví dụ \"serial:/dev/ttyACM0:9600\"): {value!r}",
                      f"scanner must be \"keyboard\" or \"serial:DEVICE[:BAUD]\" "
                      f"(e.g. \"serial:/dev/ttyACM0:9600\"): {value!r}")


def _coerce(name: str, kind: Any, value: Any, origin: str) -> Any:
    try:
        if kind is bool or kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        if kind is int or kind == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{origin}: giá trị không hợp lệ cho '{name}': {value!r}",
                          f"{origin}: invalid value for '{name}': {value!r}") from None


def _check_db_url(url: str) -> None:
    """A database URL the programs can use (SQLite or PostgreSQL, well formed), else a ConfigError."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415 - only when a URL is given
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415
    try:
        u = make_url(url)
        u.port                                  # noqa: B018 - parsed (and checked) here
    except (ArgumentError, ValueError):
        raise ConfigError(f"địa chỉ cơ sở dữ liệu không hợp lệ: {url[:80]!r} (ví dụ sqlite:///đường/dẫn.sqlite3 hoặc "
                          f"postgresql://người_dùng@máy/csdl)",
                          f"malformed database URL: {url[:80]!r} (e.g. sqlite:///path/to/file.sqlite3 or "
                          f"postgresql://user@host/db)") from None
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"chỉ hỗ trợ SQLite hoặc PostgreSQL, không hỗ trợ {u.get_backend_name()!r}",
                          f"only SQLite and PostgreSQL are supported, not {u.get_backend_name()!r}")


def default_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "kiosk.toml"


def config_file(path: str | os.PathLike | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The file ``load_config`` reads: ``path``, else ``$KIOSK_CONFIG``, else the default ``kiosk.toml``
    (which may not exist yet: there ``kiosk-admin init`` creates it)."""
    env = os.environ if env is None else env
    chosen = path or env.get("KIOSK_CONFIG")
    return Path(chosen) if chosen else default_config_file()


_TOML_KEY_LINE = r"^[ \t]*{key}[ \t]*="


def set_config_value(path: str | os.PathLike, key: str, value: str) -> bool:
    """Write ``key = "value"`` into the TOML file ``path``, keeping every other byte (comments included):
    an existing ``key = ...`` line is replaced, else the line goes after a commented example of the key, else
    at the end of the top level. A missing file is created with mode 0600. True if the file was created.
    Raises OSError when the file cannot be written, ConfigError if the result would not read back as ``value``."""
    import re  # noqa: PLC0415
    if any(c in value for c in '"\\\n\r'):
        raise ConfigError(f"giá trị không ghi được vào TOML cho '{key}'", f"a value TOML cannot hold for '{key}'")
    line = f'{key} = "{value}"'
    p = Path(path)
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
        text = f"# kiosk-queue: every key and its default is in core/config.py\n{line}\n"
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), 0o600)
            f.write(text)
        return True
    with open(p, encoding="utf-8", newline="") as f:   # newline="": CRLF files stay CRLF
        old = f.read()
    eol = "\r\n" if "\r\n" in old else "\n"
    lines = old.splitlines(keepends=True)
    setting = re.compile(_TOML_KEY_LINE.format(key=re.escape(key)))
    example = re.compile(r"^[ \t]*#[ \t]*" + re.escape(key) + r"[ \t]*=")
    table = re.compile(r"^[ \t]*\[")
    top_end = next((i for i, s in enumerate(lines) if table.match(s)), len(lines))
    found = [i for i, s in enumerate(lines[:top_end]) if setting.match(s)]
    if found:
        i = found[0]
        ending = lines[i][len(lines[i].rstrip("\r\n")):] or ""
        lines[i] = line + ending
        for j in reversed(found[1:]):              # a repeated key would not even parse: keep one
            del lines[j]
    else:
        examples = [i for i, s in enumerate(lines[:top_end]) if example.match(s)]
        at = examples[-1] + 1 if examples else top_end
        if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
            lines[at - 1] += eol
        lines.insert(at, line + eol)
    new = "".join(lines)
    try:
        before, after = tomllib.loads(old), tomllib.loads(new)
        before[key] = value
        if after != before:                        # the key set, and nothing else changed
            raise ValueError(key)
    except (tomllib.TOMLDecodeError, ValueError):
        raise ConfigError(f"{p}: không sửa được '{key}' mà giữ nguyên phần còn lại — hãy thêm dòng này bằng tay",
                          f"{p}: cannot set '{key}' and keep the rest as it is — add the line by hand") from None
    with open(p, "r+", encoding="utf-8", newline="") as f:
        f.write(new)
        f.truncate()
    return False


def load_config(path: str | os.PathLike | None = None, env: Mapping[str, str] | None = None,
                **overrides: Any) -> AppConfig:
    """Build the configuration from defaults, the file, the environment and ``overrides``."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    known = {f.name: f.type for f in fields(AppConfig)}

    file_path = config_file(path, env)
    if file_path is not None and (path or env.get("KIOSK_CONFIG") or file_path.exists()):
        p = Path(file_path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{p}: không tìm thấy tệp cấu hình", f"{p}: config file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{p}: tệp cấu hình sai cú pháp: {exc}", f"{p}: malformed config: {exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{p}: tệp cấu hình không phải UTF-8 — hãy lưu lại với mã hóa UTF-8",
                              f"{p}: the config file is not UTF-8 — save it again as UTF-8") from None
        except IsADirectoryError:
            raise ConfigError(f"{p}: là một thư mục, không phải tệp cấu hình",
                              f"{p}: is a folder, not a config file") from None
        except OSError as exc:
            raise ConfigError(f"{p}: không đọc được tệp cấu hình ({exc.strerror or exc})",
                              f"{p}: cannot read the config file ({exc.strerror or exc})") from None
        for key, value in data.items():
            if key not in known:
                raise ConfigError(f"{p}: khóa không rõ '{key}'", f"{p}: unknown setting '{key}'")
            values[key] = _coerce(key, known[key], value, str(p))

    for name, kind in known.items():
        var = f"KIOSK_{name.upper()}"
        if var in env:
            values[name] = _coerce(name, kind, env[var], var)

    for name, value in overrides.items():
        if name not in known:
            raise ConfigError(f"khóa không rõ '{name}'", f"unknown setting '{name}'")
        if value is not None:
            values[name] = _coerce(name, known[name], value, "override")

    cfg = AppConfig(**values)
    if cfg.db_url:
        _check_db_url(cfg.db_url)
    if cfg.language not in {"vi", "en"}:
        raise ConfigError(f"language phải là 'vi' hoặc 'en': {cfg.language!r}",
                          f"language must be 'vi' or 'en': {cfg.language!r}")
    if cfg.voice_dialect not in {"north", "south"}:
        raise ConfigError(f"voice_dialect phải là 'north' hoặc 'south': {cfg.voice_dialect!r}",
                          f"voice_dialect must be 'north' or 'south': {cfg.voice_dialect!r}")
    parse_scanner(cfg.scanner)
    if cfg.face_liveness not in {"off", "blink"}:
        raise ConfigError(f"face_liveness phải là 'off' hoặc 'blink': {cfg.face_liveness!r}",
                          f"face_liveness must be 'off' or 'blink': {cfg.face_liveness!r}")
    if not 2 <= cfg.face_liveness_seconds <= 30:
        raise ConfigError(f"face_liveness_seconds phải từ 2 đến 30: {cfg.face_liveness_seconds}",
                          f"face_liveness_seconds must be between 2 and 30: {cfg.face_liveness_seconds}")
    return cfg
