"""PostgreSQL: NOTIFY followers from a trigger on events (one round trip less per operation)

Revision ID: 0003_notify_trigger
Revises: 0002_privacy
Create Date: 2026-11-22
"""
from alembic import op

revision = "0003_notify_trigger"
down_revision = "0002_privacy"
branch_labels = None
depends_on = None

CHANNEL = "kiosk_events"  # db.service.NOTIFY_CHANNEL


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite followers poll PRAGMA data_version
    op.execute(f"""
        CREATE OR REPLACE FUNCTION kiosk_notify_event() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', NEW.id::text);  -- delivered at commit
            RETURN NULL;
        END $$ LANGUAGE plpgsql""")
    op.execute("CREATE TRIGGER events_notify AFTER INSERT ON events "
               "FOR EACH ROW EXECUTE FUNCTION kiosk_notify_event()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS events_notify ON events")
    op.execute("DROP FUNCTION IF EXISTS kiosk_notify_event()")
