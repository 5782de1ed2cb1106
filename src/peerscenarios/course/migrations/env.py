"""Alembic environment for the course server: runs on the connection ``course.admin`` hands in.

There is no alembic.ini: :mod:`peerscenarios.course.admin` builds the Config
in code and passes an open connection inside its own transaction in
``config.attributes["connection"]``, so a failing step rolls the whole
upgrade back (PostgreSQL has transactional DDL, roles and policies included).
"""

from __future__ import annotations

from alembic import context

from peerscenarios.course.schema import SCHEMA, VERSION_TABLE, metadata

config = context.config


def run_migrations_online() -> None:
    """Run migrations on the caller's connection inside the caller's transaction."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("course migrations run only through peerscenarios.course.admin")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        version_table_schema=SCHEMA,
        include_schemas=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
