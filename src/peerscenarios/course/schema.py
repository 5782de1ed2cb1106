"""The course server's tables (SQLAlchemy Core), roles and version, as the client queries them.

The tables are created by the course migrations (``course/migrations``), an
Alembic history of its own, kept apart from the laptop's SQLite migrations:
a trainee's local tables never exist on the server. Everything lives in the
PostgreSQL schema ``ps_course``; ``tests/course/test_schema.py`` checks that
these definitions and the migrated database agree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Identity,
    Integer,
    MetaData,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

SCHEMA = "ps_course"
VERSION_TABLE = "schema_version"
# NOLOGIN group roles: every person is a LOGIN role that is a member of one.
TRAINEE_ROLE = "ps_trainee"
FACILITATOR_ROLE = "ps_facilitator"
# Owns the schema, tables and the SECURITY DEFINER function; nobody logs in as it.
OWNER_ROLE = "ps_course_owner"
GROUP_ROLES = (TRAINEE_ROLE, FACILITATOR_ROLE)
WITHDRAW_FUNCTION = f"{SCHEMA}.withdraw_submission"
# The version of the JSON payloads this client writes and understands.
PAYLOAD_VERSION = 1

metadata = MetaData(schema=SCHEMA, naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

# A trainee's portfolio snapshot. Append-only: rows are never deleted, and the
# only change is a withdrawal, which stamps ``withdrawn_at`` and erases the
# payload (the summary columns stay, so the list still shows what was there).
submission = Table(
    "submission", metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("owner", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True)),
    Column("profile_name", Text, nullable=False),
    Column("period_from", Date),
    Column("period_to", Date),
    Column("attempt_count", Integer, nullable=False),
    Column("reflection_count", Integer, nullable=False),
    Column("payload_version", Integer, nullable=False),
    Column("payload", JSONB),
)

# A facilitated group session: vote counts per decision, no names.
group_session_upload = Table(
    "group_session_upload", metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("uploaded_by", Text, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("scenario_id", Text, nullable=False),
    Column("scenario_title", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("decision_count", Integer, nullable=False),
    Column("total_votes", Integer, nullable=False),
    Column("payload_version", Integer, nullable=False),
    Column("payload", JSONB, nullable=False),
)

# Which trainee belongs to which facilitator's cohort (login role names).
cohort_member = Table(
    "cohort_member", metadata,
    Column("facilitator", Text, primary_key=True),
    Column("trainee", Text, primary_key=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

schema_version = Table(
    VERSION_TABLE, metadata,
    Column("version_num", Text, primary_key=True),
)
