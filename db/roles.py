"""Least privilege on PostgreSQL: one role per kind of program, each allowed only what it does.

    kiosk     issue tickets, report printing, read the catalogue and the feed; no PIN hashes, no visitors
    counter   staff operations and sign-in (reads the PIN hashes it checks, counts failures, changes PINs)
    board     read only (the feed, the counters, the tickets); no PIN hashes, no visitors
    register  the visitor register (faces, CCCD, consent, audit): granted as well to the login of a kiosk
              with recognition, and of a counter whose officers see recognised visitors
    admin     everything (migrations, the catalogue, officers, retention)

``kiosk-admin init --roles`` runs ``role_statements``; ``--roles-sql`` prints them for a DBA. The four
program roles also get the deadlines db.engine sets per connection (``ROLE_SETTINGS``: statement, lock and
idle-in-transaction timeouts, TCP keepalives), so a tool that connects without db (psql, a report script)
cannot keep the queue's rows locked either; admin keeps the server's defaults (migrations). Roles are
created with LOGIN and no password: set one (``ALTER ROLE kiosk PASSWORD '…'``) or allow them in pg_hba.conf.
Re-running is safe: each role's table privileges are revoked, then granted again.
"""
from __future__ import annotations

from sqlalchemy import create_engine, text

from .engine import ROLE_SETTINGS, is_sqlite, normalise_url

KINDS = ("kiosk", "counter", "board", "register", "admin")

CATALOGUE = ("offices", "fields", "procedures", "counters", "counter_fields")
OFFICER_PUBLIC = "id, office_id, name, role, active"          # every column but pin_hash
REGISTER = ("visitors", "visitor_identities", "face_templates", "consent_records")


def _grants(kind: str, role: str) -> list[str]:
    read_queue = [f"GRANT SELECT ON {t} TO {role}" for t in (*CATALOGUE, "tickets", "events", "number_sequences")]
    public_officers = f"GRANT SELECT ({OFFICER_PUBLIC}) ON officers TO {role}"
    if kind == "kiosk":
        return [*read_queue, public_officers,
                f"GRANT INSERT, UPDATE ON number_sequences TO {role}",
                f"GRANT INSERT ON tickets TO {role}",
                f"GRANT UPDATE (print_status) ON tickets TO {role}",
                f"GRANT INSERT ON events TO {role}",
                f"GRANT SELECT, INSERT ON ratings TO {role}"]     # a citizen rates at the kiosk (ticket QR)
    if kind == "counter":
        return [*read_queue,
                f"GRANT SELECT ON officers TO {role}",            # the PIN hashes it checks
                f"GRANT UPDATE (pin_hash) ON officers TO {role}",  # change_pin
                f"GRANT UPDATE ON tickets, counters TO {role}",
                f"GRANT INSERT ON events TO {role}",
                f"GRANT SELECT, INSERT, UPDATE ON sign_in_guards TO {role}",
                f"GRANT SELECT, INSERT ON ratings TO {role}",     # the rating window; the leader's statistics
                # the leader's statistics window rolls closed days up; a closed day changed marks its rollup stale
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON stats_days, stats_rollup TO {role}"]
    if kind == "board":
        return [*read_queue, public_officers]
    if kind == "register":
        return [*(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {role}" for t in REGISTER),
                f"GRANT SELECT, INSERT ON privacy_audit TO {role}",   # append-only: triggers refuse the rest
                f"GRANT SELECT, INSERT, UPDATE ON id_allocations TO {role}",
                f"GRANT SELECT, UPDATE (visitor_id) ON tickets TO {role}",
                f"GRANT SELECT, INSERT, UPDATE (payload) ON events TO {role}",   # forget scrubs the visitor
                f"GRANT SELECT (id) ON offices TO {role}"]   # id and tells the kiosks (visitors_forgotten)
    if kind == "admin":
        return [f"GRANT ALL ON ALL TABLES IN SCHEMA {{schema}} TO {role}"]
    raise ValueError(kind)


def role_statements(prefix: str = "", schema: str = "public") -> list[str]:
    """The SQL that creates (if missing) and grants the five roles on ``schema``."""
    out: list[str] = []
    for kind in KINDS:
        role = f"{prefix}{kind}"
        out.append(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
                   f"CREATE ROLE {role} LOGIN; END IF; END $$")
        out.append(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}")
        out.append(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        out.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
        out += [g.replace("{schema}", schema) for g in _grants(kind, role)]
        if kind in ("kiosk", "counter", "board", "register"):
            out.append(f"ALTER ROLE {role} SET search_path = {schema}")
            out += [f"ALTER ROLE {role} SET {name} = '{value}'" for name, value in ROLE_SETTINGS.items()]
    return out


def create_roles(url: str, prefix: str = "") -> list[str]:
    """Run ``role_statements`` on the database at ``url`` (as its owner); returns the role names."""
    url = normalise_url(url)
    if is_sqlite(url):
        raise ValueError("roles exist on PostgreSQL only; SQLite files are protected by their mode (0600)")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            for sql in role_statements(prefix, schema):
                conn.execute(text(sql))
    finally:
        engine.dispose()
    return [f"{prefix}{k}" for k in KINDS]
