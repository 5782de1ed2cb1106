"""The migrated server matches the client's table definitions, with RLS on every table."""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import inspect

from peerscenarios.course.admin import head_revision
from peerscenarios.course.connection import admin_engine
from peerscenarios.course.schema import SCHEMA, VERSION_TABLE, metadata

from .conftest import Course


def test_columns_match_the_client_tables(course: Course) -> None:
    engine = admin_engine(course.url)
    try:
        insp = inspect(engine)
        for table in metadata.sorted_tables:
            if table.name == VERSION_TABLE:
                continue
            live = {c["name"]: c for c in insp.get_columns(table.name, schema=SCHEMA)}
            assert set(live) == set(table.c.keys()), table.name
            for col in table.c:
                assert live[col.name]["nullable"] == col.nullable, f"{table.name}.{col.name}"
                assert (live[col.name]["type"].compile(dialect=engine.dialect)
                        == col.type.compile(dialect=engine.dialect)), f"{table.name}.{col.name}"
    finally:
        engine.dispose()


def _su(course: Course) -> psycopg.Connection[Any]:
    return psycopg.connect(host=course.cluster.socket_dir, port=course.cluster.port,
                           dbname=course.database, user="postgres",
                           password=course.cluster.password, autocommit=True)


def test_row_level_security_is_on_and_owned_by_the_nologin_role(course: Course) -> None:
    with _su(course) as su:
        rows = su.execute(
            "SELECT c.relname, c.relrowsecurity, r.rolname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE n.nspname = %s AND c.relkind = 'r' AND c.relname <> %s ORDER BY 1",
            (SCHEMA, VERSION_TABLE)).fetchall()
        assert rows == [("cohort_member", True, "ps_course_owner"),
                        ("group_session_upload", True, "ps_course_owner"),
                        ("submission", True, "ps_course_owner")]
        fn = su.execute(
            "SELECT p.prosecdef, p.proconfig, r.rolname FROM pg_proc p "
            "JOIN pg_roles r ON r.oid = p.proowner WHERE p.proname = 'withdraw_submission'"
        ).fetchone()
        assert fn == (True, ["search_path=pg_catalog, pg_temp"], "ps_course_owner")
        groups = su.execute("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN "
                            "('ps_trainee', 'ps_facilitator', 'ps_course_owner') ORDER BY 1"
                            ).fetchall()
        assert groups == [("ps_course_owner", False), ("ps_facilitator", False),
                          ("ps_trainee", False)]
        assert su.execute(f"SELECT version_num FROM {SCHEMA}.{VERSION_TABLE}").fetchall() == [
            (head_revision(),)]
