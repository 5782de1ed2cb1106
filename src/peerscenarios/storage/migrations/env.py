"""Alembic environment: runs migrations on the connection the storage layer hands in."""

# There is no alembic.ini: peerscenarios.storage.migrate builds the Config in
# code, opens the transaction (BEGIN IMMEDIATE, foreign keys off as SQLite's
# table-rebuild procedure requires) and passes the connection in
# ``config.attributes["connection"]``. Everything runs in that one
# transaction, so a failing step rolls the whole upgrade back.

from __future__ import annotations

from alembic import context

from peerscenarios.storage.models import Base

config = context.config


def run_migrations_online() -> None:
    """Run migrations on the caller's connection inside the caller's transaction."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "PeerScenarios migrations run only through peerscenarios.storage.migrate"
        )
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        # The FTS5 table and its shadow tables are managed by hand in the migrations.
        include_name=lambda name, type_, parent: not (
            type_ == "table" and name is not None and name.startswith("reflection_fts")
        ),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
