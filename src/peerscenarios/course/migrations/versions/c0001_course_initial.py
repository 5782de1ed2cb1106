"""Course server, first schema: submissions, group-session uploads, cohorts, row-level security.

Revision ID: c0001
Revises:
Create Date: 2026-11-26

The group roles (ps_trainee, ps_facilitator, ps_course_owner) and the schema
itself are created by ``course init`` before this runs, because roles belong
to the whole PostgreSQL cluster and Alembic's version table lives inside the
schema. Everything here is owned by ps_course_owner, a role nobody logs in as.

Row-level security, in one place:

- submission: a trainee inserts rows owned by themselves only and reads only
  their own; a facilitator reads the rows of trainees in their cohort; nobody
  may UPDATE or DELETE (no grant), except withdrawal through
  ``withdraw_submission``, a SECURITY DEFINER function that only touches the
  caller's own row.
- group_session_upload: facilitators insert rows as themselves and read all
  uploads of the course (they hold vote counts, no names); trainees see none.
- cohort_member: each side reads only the pairs it is part of; only the
  administrator (``course assign``) writes.

Policies compare with ``session_user`` (the login role) rather than
``current_user``, so ``SET ROLE ps_trainee`` cannot be used to act as the
group and share rows with other trainees.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "c0001"
down_revision = None
branch_labels = ("course",)
depends_on = None

S = "ps_course"
ME = "(session_user)::text"


def upgrade() -> None:
    op.create_table(
        "submission",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("owner", sa.Text, nullable=False, server_default=sa.text(ME)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.Column("profile_name", sa.Text, nullable=False),
        sa.Column("period_from", sa.Date),
        sa.Column("period_to", sa.Date),
        sa.Column("attempt_count", sa.Integer, nullable=False),
        sa.Column("reflection_count", sa.Integer, nullable=False),
        sa.Column("payload_version", sa.Integer, nullable=False),
        sa.Column("payload", JSONB),
        # A withdrawn submission keeps no content; a live one always has it.
        sa.CheckConstraint("(withdrawn_at IS NULL) = (payload IS NOT NULL)",
                           name="withdrawn_has_no_payload"),
        sa.CheckConstraint("attempt_count >= 0 AND reflection_count >= 0",
                           name="counts_not_negative"),
        schema=S,
    )
    # The trainee's own list and the facilitator's cohort list, newest first.
    op.create_index("ix_submission_owner_created_at", "submission",
                    ["owner", sa.text("created_at DESC"), sa.text("id DESC")], schema=S)
    op.create_index("ix_submission_created_at", "submission",
                    [sa.text("created_at DESC"), sa.text("id DESC")], schema=S)

    op.create_table(
        "group_session_upload",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("uploaded_by", sa.Text, nullable=False, server_default=sa.text(ME)),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        sa.Column("scenario_id", sa.Text, nullable=False),
        sa.Column("scenario_title", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("decision_count", sa.Integer, nullable=False),
        sa.Column("total_votes", sa.Integer, nullable=False),
        sa.Column("payload_version", sa.Integer, nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        # The same session uploaded twice by one facilitator is a mistake, not a new record.
        sa.UniqueConstraint("uploaded_by", "scenario_id", "started_at",
                            name="uq_group_session_upload_once"),
        schema=S,
    )
    op.create_index("ix_group_session_upload_started_at", "group_session_upload",
                    [sa.text("started_at DESC"), sa.text("id DESC")], schema=S)

    op.create_table(
        "cohort_member",
        sa.Column("facilitator", sa.Text, primary_key=True),
        sa.Column("trainee", sa.Text, primary_key=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
        schema=S,
    )
    op.create_index("ix_cohort_member_trainee", "cohort_member", ["trainee"], schema=S)

    for table in ("submission", "group_session_upload", "cohort_member"):
        op.execute(f"ALTER TABLE {S}.{table} OWNER TO ps_course_owner")
        op.execute(f"ALTER TABLE {S}.{table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"REVOKE ALL ON {S}.{table} FROM PUBLIC")

    # submission
    op.execute(f"""
        CREATE POLICY trainee_inserts_own ON {S}.submission FOR INSERT TO ps_trainee
        WITH CHECK (owner = {ME} AND withdrawn_at IS NULL)""")
    op.execute(f"""
        CREATE POLICY trainee_reads_own ON {S}.submission FOR SELECT TO ps_trainee
        USING (owner = {ME})""")
    op.execute(f"""
        CREATE POLICY facilitator_reads_cohort ON {S}.submission FOR SELECT TO ps_facilitator
        USING (EXISTS (SELECT 1 FROM {S}.cohort_member m
                       WHERE m.facilitator = {ME} AND m.trainee = submission.owner))""")
    op.execute(f"GRANT SELECT ON {S}.submission TO ps_trainee, ps_facilitator")
    # Column grants: owner, created_at and withdrawn_at always take the server's values.
    op.execute(f"""
        GRANT INSERT (profile_name, period_from, period_to, attempt_count, reflection_count,
                      payload_version, payload)
        ON {S}.submission TO ps_trainee""")

    # group_session_upload
    op.execute(f"""
        CREATE POLICY facilitator_inserts_own ON {S}.group_session_upload
        FOR INSERT TO ps_facilitator WITH CHECK (uploaded_by = {ME})""")
    op.execute(f"""
        CREATE POLICY facilitators_read_all ON {S}.group_session_upload
        FOR SELECT TO ps_facilitator USING (true)""")
    op.execute(f"GRANT SELECT ON {S}.group_session_upload TO ps_facilitator")
    op.execute(f"""
        GRANT INSERT (scenario_id, scenario_title, started_at, finished_at, decision_count,
                      total_votes, payload_version, payload)
        ON {S}.group_session_upload TO ps_facilitator""")

    # cohort_member
    op.execute(f"""
        CREATE POLICY facilitator_reads_own_cohort ON {S}.cohort_member
        FOR SELECT TO ps_facilitator USING (facilitator = {ME})""")
    op.execute(f"""
        CREATE POLICY trainee_reads_own_membership ON {S}.cohort_member
        FOR SELECT TO ps_trainee USING (trainee = {ME})""")
    op.execute(f"GRANT SELECT ON {S}.cohort_member TO ps_trainee, ps_facilitator")

    # Withdrawal. SECURITY DEFINER runs as ps_course_owner (the table owner, to
    # whom RLS does not apply), so the WHERE clause is the whole guard: only
    # the caller's own, not yet withdrawn row. A fixed search_path keeps a
    # caller's own objects from being picked up inside the function.
    op.execute(f"""
        CREATE FUNCTION {S}.withdraw_submission(p_id bigint) RETURNS timestamptz
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            done timestamptz;
        BEGIN
            UPDATE {S}.submission SET withdrawn_at = now(), payload = NULL
             WHERE id = p_id AND owner = {ME} AND withdrawn_at IS NULL
            RETURNING withdrawn_at INTO done;
            IF done IS NULL THEN
                RAISE EXCEPTION 'no submission % of yours to withdraw', p_id
                    USING ERRCODE = 'no_data_found';
            END IF;
            RETURN done;
        END
        $$""")
    op.execute(f"ALTER FUNCTION {S}.withdraw_submission(bigint) OWNER TO ps_course_owner")
    op.execute(f"REVOKE ALL ON FUNCTION {S}.withdraw_submission(bigint) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {S}.withdraw_submission(bigint) TO ps_trainee")

    # Every client reads the version first, to refuse a server newer than itself.
    op.execute(f"GRANT SELECT ON {S}.schema_version TO ps_trainee, ps_facilitator")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION {S}.withdraw_submission(bigint)")
    op.drop_table("cohort_member", schema=S)
    op.drop_table("group_session_upload", schema=S)
    op.drop_table("submission", schema=S)
