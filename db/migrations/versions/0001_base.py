"""base schema

Revision ID: 0001_base
Revises: 
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import db.models


revision = '0001_base'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('offices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.Column('issue_cutoff_minutes', sa.Integer(), nullable=False),
    sa.Column('priority_mode', sa.String(length=16), nullable=False),
    sa.Column('interleave_after', sa.Integer(), nullable=False),
    sa.Column('default_service_minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offices')),
    sa.UniqueConstraint('code', name=op.f('uq_offices_code'))
    )
    op.create_table('visitors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', db.models.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', db.models.UTCDateTime(), nullable=True),
    sa.Column('last_field_code', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visitors'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('at', db.models.UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('ticket_label', sa.String(length=16), nullable=True),
    sa.Column('counter_number', sa.Integer(), nullable=True),
    sa.Column('field_code', sa.String(length=32), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_events_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    op.create_table('fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=4), nullable=False),
    sa.Column('number_width', sa.Integer(), nullable=False),
    sa.Column('start_number', sa.Integer(), nullable=False),
    sa.Column('daily_cap', sa.Integer(), nullable=True),
    sa.Column('icon', sa.String(length=64), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_fields_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fields')),
    sa.UniqueConstraint('office_id', 'code', name=op.f('uq_fields_office_id_code')),
    sa.UniqueConstraint('office_id', 'prefix', name=op.f('uq_fields_office_id_prefix'))
    )
    op.create_table('officers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('pin_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_officers_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officers')),
    sa.UniqueConstraint('office_id', 'name', name=op.f('uq_officers_office_id_name'))
    )
    op.create_table('counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name_vi', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('priority_only', sa.Boolean(), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_counters_office_id_offices')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_counters_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counters')),
    sa.UniqueConstraint('office_id', 'number', name=op.f('uq_counters_office_id_number'))
    )
    op.create_table('number_sequences',
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_number_sequences_field_id_fields')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_number_sequences_office_id_offices')),
    sa.PrimaryKeyConstraint('office_id', 'field_id', 'service_day', name=op.f('pk_number_sequences'))
    )
    op.create_table('procedures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('national_code', sa.String(length=32), nullable=False),
    sa.Column('name_vi', sa.String(length=300), nullable=False),
    sa.Column('name_en', sa.String(length=300), nullable=False),
    sa.Column('documents_vi', sa.JSON(), nullable=False),
    sa.Column('documents_en', sa.JSON(), nullable=False),
    sa.Column('time_limit_vi', sa.String(length=300), nullable=False),
    sa.Column('time_limit_en', sa.String(length=300), nullable=False),
    sa.Column('fee_vi', sa.String(length=300), nullable=False),
    sa.Column('fee_en', sa.String(length=300), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_procedures_field_id_fields')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedures')),
    sa.UniqueConstraint('field_id', 'code', name=op.f('uq_procedures_field_id_code'))
    )
    op.create_table('counter_fields',
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_counter_fields_counter_id_counters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_counter_fields_field_id_fields'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('counter_id', 'field_id', name=op.f('pk_counter_fields'))
    )
    op.create_table('tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('number_field_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('service_day', sa.Date(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('priority_reason', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('issued_at', db.models.UTCDateTime(), nullable=False),
    sa.Column('arrival_at', db.models.UTCDateTime(), nullable=False),
    sa.Column('called_at', db.models.UTCDateTime(), nullable=True),
    sa.Column('started_at', db.models.UTCDateTime(), nullable=True),
    sa.Column('finished_at', db.models.UTCDateTime(), nullable=True),
    sa.Column('call_count', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('visitor_id', sa.Integer(), nullable=True),
    sa.Column('print_status', sa.String(length=32), nullable=False),
    sa.Column('booking_code', sa.String(length=64), nullable=True),
    sa.Column('kiosk_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['counter_id'], ['counters.id'], name=op.f('fk_tickets_counter_id_counters')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_tickets_field_id_fields')),
    sa.ForeignKeyConstraint(['number_field_id'], ['fields.id'], name=op.f('fk_tickets_number_field_id_fields')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_tickets_office_id_offices')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_tickets_officer_id_officers')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedures.id'], name=op.f('fk_tickets_procedure_id_procedures')),
    sa.ForeignKeyConstraint(['visitor_id'], ['visitors.id'], name=op.f('fk_tickets_visitor_id_visitors'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tickets')),
    sa.UniqueConstraint('office_id', 'number_field_id', 'service_day', 'number', name='uq_tickets_number')
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index('ix_tickets_label', ['office_id', 'service_day', 'label'], unique=False)
        batch_op.create_index('ix_tickets_waiting', ['office_id', 'field_id', 'status', 'arrival_at'], unique=False)
        batch_op.create_index('uq_tickets_counter_current', ['counter_id'], unique=True, sqlite_where=sa.text("status IN ('called', 'serving')"), postgresql_where=sa.text("status IN ('called', 'serving')"))



def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index('uq_tickets_counter_current', sqlite_where=sa.text("status IN ('called', 'serving')"), postgresql_where=sa.text("status IN ('called', 'serving')"))
        batch_op.drop_index('ix_tickets_waiting')
        batch_op.drop_index('ix_tickets_label')

    op.drop_table('tickets')
    op.drop_table('counter_fields')
    op.drop_table('procedures')
    op.drop_table('number_sequences')
    op.drop_table('counters')
    op.drop_table('officers')
    op.drop_table('fields')
    op.drop_table('events')
    op.drop_table('visitors')
    op.drop_table('offices')
