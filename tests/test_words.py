"""One way to say things in two languages, checked over every package at once.

Every ``bilingual.Catalogue`` in the project (found in the source, so a new one cannot be missed): both
languages present and not empty, the same placeholders in both, no key that no code asks for, no key asked
for that no catalogue has. Every exception a person can cause or meet derives from ``LocalizedError`` and is
raised with its Vietnamese and English messages apart.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import bilingual
from bilingual import CATALOGUES, Catalogue, LocalizedError, Plural, placeholders

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bilingual", "db", "printer", "core", "gui", "kiosk", "counter_display", "admin", "scripts")
# the only exceptions of the project that no person ever reads, and why
INTERNAL_EXCEPTIONS = {
    "printer.devices.LinkClosed": "the printer hung up mid-job: becomes a PrintResult, never shown as such",
}


def source_files() -> list[Path]:
    files = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    return [p for p in files if "migrations" not in p.parts]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _is_catalogue_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Catalogue"
            and bool(node.args) and isinstance(node.args[0], ast.Constant))


def catalogue_definitions() -> dict[str, tuple[Path, ast.Call]]:
    """Catalogue name -> (file, the Catalogue(...) call), for every catalogue written in the source."""
    found = {}
    for path in source_files():
        if path.parent.name == "bilingual":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if _is_catalogue_call(node):
                found[node.args[0].value] = (path, node)
    return found


DEFINITIONS = catalogue_definitions()
for _path, _ in DEFINITIONS.values():
    importlib.import_module(module_name(_path))


def project_source_without_entries() -> str:
    """All the project's code, each catalogue's own entries cut out (a key must be used, not only defined)."""
    spans: dict[Path, list[tuple[int, int]]] = {}
    for path, call in DEFINITIONS.values():
        spans.setdefault(path, []).append((call.lineno, call.end_lineno))
    texts = []
    for path in source_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for start, end in spans.get(path, ()):
            lines[start - 1:end] = [""] * (end - start + 1)
        texts.append("\n".join(lines))
    return "\n".join(texts)


def unused_keys(words: Catalogue, source: str) -> list[str]:
    def used(key: str) -> bool:
        if f'"{key}"' in source or f"'{key}'" in source:
            return True
        return any(key.startswith(prefix) and (f'"{prefix}' in source or f"'{prefix}" in source)
                   for prefix in words.dynamic_prefixes)
    return [key for key in words if not used(key)]


def test_every_catalogue_in_the_source_is_registered_and_checked():
    assert {"kiosk", "visitors", "printer", "counter", "queue"} <= set(DEFINITIONS)
    assert set(DEFINITIONS) == set(CATALOGUES), "a catalogue made outside the source, or one not imported"


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_both_languages_are_complete_with_the_same_placeholders(name):
    words = CATALOGUES[name]
    assert len(words) > 0
    for key, entry in words.entries.items():
        assert isinstance(entry, tuple) and len(entry) == 2, key
        vi, en = entry
        for text in (vi, en):
            forms = (text.one, text.other) if isinstance(text, Plural) else (text,)
            assert all(isinstance(f, str) and f.strip() for f in forms), f"{name}.{key}: empty text"
            assert placeholders(forms[0]) == placeholders(forms[-1]), f"{name}.{key}: plural forms differ"
        assert placeholders(vi) == placeholders(en), f"{name}.{key}: {placeholders(vi)} != {placeholders(en)}"


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_no_catalogue_keeps_a_key_that_no_code_uses(name):
    assert unused_keys(CATALOGUES[name], project_source_without_entries()) == []


def test_the_unused_key_check_bites():
    words = Catalogue("test-unused", {"a_key_nobody_asks_for": ("Không ai dùng", "Nobody uses it"),
                                      "dyn_made_up": ("Ghép", "Built")}, dynamic_prefixes=("dyn_",))
    try:
        source = project_source_without_entries()
        assert unused_keys(words, source) == ["a_key_nobody_asks_for", "dyn_made_up"]
        assert unused_keys(words, source + '\nWORDS.text(lang, f"dyn_{x}")\n"a_key_nobody_asks_for"') == []
    finally:
        del CATALOGUES["test-unused"]


# tr(lang, "key"), self.t("key"), _t("key"), WORDS.text("vi", "key"), WORDS.both("key"), ...
LOOKUP = re.compile(r"""\b(?:tr|face_tr|_t|self\.t|t|WORDS\.(?:text|both|pair))\("""
                    r"""(?:[a-z_.]+, |["'](?:vi|en)["'], )?["']([a-z_]+)["']""")


def test_every_key_the_code_asks_for_exists():
    asked = set(LOOKUP.findall(project_source_without_entries()))
    assert len(asked) > 100, "the lookup pattern is out of date"
    known = {key for words in CATALOGUES.values() for key in words}
    assert asked <= known, sorted(asked - known)


def test_codes_with_computed_keys_each_have_their_words():
    from counter_display.staff_model import SHORTCUTS
    from db.vocabulary import PRIORITY_REASONS, STATUSES
    from kiosk.i18n import WEEKDAYS
    from printer import PrintStatus

    def keys(name, prefix):
        return {k for k in CATALOGUES[name] if k.startswith(prefix)}
    assert keys("queue", "priority_") == {f"priority_{c}" for c in PRIORITY_REASONS}
    assert keys("queue", "status_") == {f"status_{c}" for c in STATUSES}
    assert keys("printer", "staff_") == {f"staff_{s.value}" for s in PrintStatus}
    assert keys("counter", "action_") == {f"action_{a}" for a in SHORTCUTS} | {"action_resume"}
    assert keys("kiosk", "day_") == {f"day_{d}" for d in WEEKDAYS}
    assert keys("kiosk", "lang_") == {f"lang_{code}" for code in bilingual.LANGUAGES}


def test_english_plurals_follow_the_number():
    from counter_display.texts import WORDS as COUNTER
    from kiosk.i18n import tr
    from printer.texts import WORDS as PRINTER
    assert tr("en", "people_waiting", n=1) == "1 person waiting"
    assert tr("en", "people_waiting", n=3) == "3 people waiting"
    assert tr("en", "ahead", n=1) == "1 person ahead of you"
    assert tr("vi", "people_waiting", n=1) == "1 người đang chờ"
    assert PRINTER.text("en", "ticket_counters", n=1, counters="2") == "Please go to counter 2"
    assert PRINTER.text("en", "ticket_counters", n=2, counters="2, 5") == "Please go to counters 2, 5"
    assert COUNTER.text("en", "minutes", n=1) == "1 minute"
    from counter_display.stats_model import WORDS as STATS
    assert STATS.text("en", "days", n=1) == "Last 1 day" and STATS.text("en", "days", n=7) == "Last 7 days"
    assert STATS.text("en", "busy_line", day="02/12", n=1) == "02/12: 1 ticket"


def test_the_queue_offers_exactly_the_priorities_it_accepts(sqlite_url, clock):
    """One list of priority reasons: what the kiosk shows is what the queue takes, with one label each."""
    import db
    from kiosk.i18n import priority_label
    assert db.PRIORITY_REASONS == db.vocabulary.PRIORITY_REASONS
    assert "child" not in db.PRIORITY_REASONS
    svc = db.init_db(sqlite_url, clock=clock)
    try:
        for code in db.PRIORITY_REASONS:
            assert svc.issue("HT", priority=code).ticket.priority_reason == code
            assert priority_label(code, "vi") != priority_label(code, "en")
        with pytest.raises(db.NotFound) as err:
            svc.issue("HT", priority="child")
        assert "child" in err.value.message("en")
    finally:
        svc.close()


# ---------------------------------------------------------------------------------------- errors
def _exception_classes() -> list[tuple[str, type]]:
    found = []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
        if not names:
            continue
        module = importlib.import_module(module_name(path))
        for name in names:
            cls = getattr(module, name)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                found.append((f"{module.__name__}.{name}", cls))
    return found


def test_every_error_a_person_can_meet_is_a_localized_error():
    classes = _exception_classes()
    assert len(classes) >= 15, "the search for exception classes is out of date"
    not_localized = sorted(name for name, cls in classes
                           if not issubclass(cls, LocalizedError) and name not in INTERNAL_EXCEPTIONS)
    assert not_localized == []


def test_localized_errors_are_raised_with_both_messages_apart():
    """No 'vi / en' joined in one string, no Vietnamese-only message: each raise gives two messages."""
    localized = {name.rsplit(".", 1)[1] for name, cls in _exception_classes() if issubclass(cls, LocalizedError)}
    single = []
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in localized
                    and len(node.args) == 1 and not isinstance(node.args[0], ast.Starred)):
                single.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.id}")
    assert single == []


def test_a_localized_error_gives_each_language_its_own_message():
    from core.config import ConfigError, load_config
    from core.visitors.cccd import CccdError, parse_cccd
    from printer import Ticket, TicketError
    from printer.devices import parse_device
    with pytest.raises(ConfigError) as config_err:
        load_config(None, env={"KIOSK_LANGUAGE": "fr"})
    with pytest.raises(CccdError) as cccd_err:
        parse_cccd("not a card")
    with pytest.raises(TicketError) as ticket_err:
        Ticket.from_dict([])
    with pytest.raises(ValueError) as device_err:      # still a ValueError for callers that catch those
        parse_device("nowhere")
    for err in (config_err.value, cccd_err.value, ticket_err.value, device_err.value):
        assert isinstance(err, LocalizedError)
        vi, en = err.message("vi"), err.message("en")
        assert vi != en and " / " not in vi and " / " not in en, (vi, en)
        assert str(err) == f"{vi} / {en}"     # logs and terminals still read both


VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]|[\u0300-\u0323]|[\u1ea0-\u1ef9]|[áàãéèíìóòõúùýÁÀÉÍÓÚ]")


def _pair_tables(path: Path) -> list[str]:
    """Module-level names whose value holds a (Vietnamese, English) pair of literals: a string table of its own."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None or _is_catalogue_call(node.value):
            continue
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple):
            continue                               # name, pin = "Cán bộ Demo", "246810": two values, no table
        for sub in ast.walk(node.value):
            if isinstance(sub, ast.Tuple) and len(sub.elts) == 2 and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) for e in sub.elts) \
                    and VIETNAMESE.search(sub.elts[0].value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                break
    return found


def test_no_string_table_outside_a_catalogue():
    """(vi, en) tuples kept in module constants escape the parity check (db/faults.py's reasons, db/stats.py's
    names of an empty group once did): every table is a Catalogue."""
    found = [hit for path in source_files() for hit in _pair_tables(path)]
    assert found == []


def test_the_table_search_sees_a_table(tmp_path):
    table = tmp_path / "words.py"
    table.write_text('BUSY = ("Cơ sở dữ liệu đang bận", "The database is busy")\n'
                     'NAMES = {"a": ("Thường", "Normal")}\nPLAIN = ("a", "b")\n', encoding="utf-8")
    old_root = globals()["ROOT"]
    try:
        globals()["ROOT"] = tmp_path
        assert _pair_tables(table) == ["words.py:1", "words.py:2"]
    finally:
        globals()["ROOT"] = old_root
