"""Initial schema: profiles, attempts, choices, reflections with FTS5, group sessions.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(80, collation="NOCASE"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_profile"),
        sa.UniqueConstraint("name", name="uq_profile_name"),
    )
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("ending_node_id", sa.String(200), nullable=True),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("choice_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("drift_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attempt"),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profile.id"],
            name="fk_attempt_profile_id_profile", ondelete="CASCADE",
        ),
        sa.UniqueConstraint("profile_id", "number", name="uq_attempt_profile_id_number"),
        sa.CheckConstraint("mode IN ('practice', 'assessment')", name="ck_attempt_mode"),
        sa.CheckConstraint(
            "status IN ('in progress', 'completed', 'abandoned')", name="ck_attempt_status"
        ),
    )
    op.create_index(
        "ix_attempt_profile_id_started_at_id", "attempt", ["profile_id", "started_at", "id"]
    )
    op.create_index(
        "ix_attempt_profile_id_scenario_id_started_at",
        "attempt", ["profile_id", "scenario_id", "started_at"],
    )
    op.create_index(
        "ix_attempt_profile_id_week_started_at", "attempt", ["profile_id", "week", "started_at"]
    )
    op.create_index(
        "ix_attempt_open", "attempt", ["profile_id", "started_at"],
        sqlite_where=sa.text("status = 'in progress'"),
    )
    op.create_table(
        "choice_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(200), nullable=False),
        sa.Column("choice_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("effects", sa.Text(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("stepped_back", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_choice_event"),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"],
            name="fk_choice_event_attempt_id_attempt", ondelete="CASCADE",
        ),
        sa.UniqueConstraint("attempt_id", "seq", name="uq_choice_event_attempt_id_seq"),
    )
    op.create_table(
        "attempt_role_count",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(60), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("attempt_id", "role", name="pk_attempt_role_count"),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"],
            name="fk_attempt_role_count_attempt_id_attempt", ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "reflection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reflection"),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"],
            name="fk_reflection_attempt_id_attempt", ondelete="CASCADE",
        ),
        sa.UniqueConstraint("attempt_id", "prompt_id", name="uq_reflection_attempt_id_prompt_id"),
    )
    op.create_table(
        "reflection_draft",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("attempt_id", "prompt_id", name="pk_reflection_draft"),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempt.id"],
            name="fk_reflection_draft_attempt_id_attempt", ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "group_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(200), nullable=False),
        sa.Column("content_hash", sa.String(128), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("ending_node_id", sa.String(200), nullable=True),
        sa.Column("notes", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_group_session"),
    )
    op.create_index("ix_group_session_started_at_id", "group_session", ["started_at", "id"])
    op.create_table(
        "group_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(200), nullable=False),
        sa.Column("votes", sa.Text(), nullable=False),
        sa.Column("chosen_choice_id", sa.String(200), nullable=False),
        sa.Column("revealed_all", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_group_decision"),
        sa.ForeignKeyConstraint(
            ["session_id"], ["group_session.id"],
            name="fk_group_decision_session_id_group_session", ondelete="CASCADE",
        ),
        sa.UniqueConstraint("session_id", "seq", name="uq_group_decision_session_id_seq"),
    )

    # Full-text index over reflections. External content: the text is stored
    # once, in `reflection`; the triggers keep the index in step with every
    # insert, update and delete (including cascaded deletes of a profile).
    op.execute(
        "CREATE VIRTUAL TABLE reflection_fts USING fts5("
        "text, content='reflection', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER reflection_fts_ai AFTER INSERT ON reflection BEGIN "
        "INSERT INTO reflection_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER reflection_fts_ad AFTER DELETE ON reflection BEGIN "
        "INSERT INTO reflection_fts(reflection_fts, rowid, text) "
        "VALUES ('delete', old.id, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER reflection_fts_au AFTER UPDATE OF text ON reflection BEGIN "
        "INSERT INTO reflection_fts(reflection_fts, rowid, text) "
        "VALUES ('delete', old.id, old.text); "
        "INSERT INTO reflection_fts(rowid, text) VALUES (new.id, new.text); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS reflection_fts_au")
    op.execute("DROP TRIGGER IF EXISTS reflection_fts_ad")
    op.execute("DROP TRIGGER IF EXISTS reflection_fts_ai")
    op.execute("DROP TABLE IF EXISTS reflection_fts")
    for table in (
        "group_decision",
        "group_session",
        "reflection_draft",
        "reflection",
        "attempt_role_count",
        "choice_event",
        "attempt",
        "profile",
    ):
        op.drop_table(table)
