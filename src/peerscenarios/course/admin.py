"""Setting up a course server: the schema and its upgrades, the group roles, people, cohorts.

These run with an administrator's connection (a PostgreSQL superuser, or a
role with CREATEROLE that owns the database), from ``peerscenarios course``.
Each operation is one transaction: PostgreSQL's DDL, roles and grants are
transactional, so a failure leaves the server as it was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from peerscenarios import paths
from peerscenarios.course.connection import admin_engine, translate
from peerscenarios.course.errors import CourseError, InvalidName, NotFound, ServerTooNew
from peerscenarios.course.schema import (
    FACILITATOR_ROLE,
    GROUP_ROLES,
    OWNER_ROLE,
    SCHEMA,
    TRAINEE_ROLE,
    VERSION_TABLE,
)

log = logging.getLogger(__name__)

# Lower case only, so a name means the same quoted or not; "pg_" and "ps_" are
# reserved for PostgreSQL's and this schema's own roles.
_NAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")
# Any stable number: serialises two `course init` runs against one server.
_INIT_LOCK = 0x50534353
MIN_PASSWORD = 8
# A person needs one connection; a few more cover a second window or a retry.
PERSON_CONNECTION_LIMIT = 10

_T = TypeVar("_T")


def script_location() -> str:
    """Where the course schema's revision scripts live (``paths`` knows; a built app too)."""
    return str(paths.course_migrations_dir())


def alembic_config() -> Config:
    """An Alembic Config, built in code, for the course schema's own history."""
    cfg = Config()
    cfg.set_main_option("script_location", script_location())
    return cfg


def script_directory() -> ScriptDirectory:
    """The course schema's revisions."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest course-schema revision this version knows."""
    head = script_directory().get_current_head()
    if head is None:
        raise RuntimeError("no course migrations found")
    return head


def check_name(name: str) -> str:
    """``name`` if it can be a person's login role; InvalidName with what to do otherwise."""
    if not _NAME.match(name) or name.startswith(("pg_", "ps_")):
        raise InvalidName(
            f"“{name}” cannot be used as a login name on the course server.",
            "Use lower-case letters, digits, '.', '_' or '-' (up to 63, starting with a "
            "letter), not starting with pg_ or ps_; for example ana.ruiz")
    return name


def _quote(conn: Connection, name: str) -> str:
    # DDL takes no bind parameters: a person's name is quoted by psycopg itself, which
    # knows the connection's encoding, and never pasted in as it was typed.
    raw = conn.connection.driver_connection
    from psycopg import sql

    return sql.Identifier(name).as_string(raw)


def set_password(conn: Connection, name: str, password: str) -> None:
    """Give login role ``name`` a new password, sent as a SCRAM-SHA-256 verifier.

    The hash is made on this computer (libpq's PQencryptPasswordConn), so the
    password itself never crosses the network nor appears in the server's logs.
    """
    raw = conn.connection.driver_connection
    from psycopg import Connection as PgConnection
    from psycopg import sql

    assert isinstance(raw, PgConnection)
    verifier = raw.pgconn.encrypt_password(password.encode("utf-8"), name.encode("utf-8"),
                                           b"scram-sha-256").decode("ascii")
    raw.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name),
                                                            sql.Literal(verifier)))


def _run(url: str, work: str, fn: Callable[[Connection], _T]) -> _T:
    """Run ``fn(conn)`` in one transaction on the administrator's connection."""
    engine = admin_engine(url)
    try:
        with engine.begin() as conn:
            return fn(conn)
    except CourseError:
        raise
    except SQLAlchemyError as exc:
        err = translate(exc)
        log.warning("course %s failed: %s", work, err)
        raise err from exc
    finally:
        engine.dispose()


@dataclass(frozen=True, slots=True)
class InitResult:
    """What ``course init`` did: the schema revision before (None: new) and after."""

    database: str
    before: str | None
    after: str
    created_database: bool


def _ensure_database(url: str) -> tuple[str, bool]:
    """Create the URL's database if it does not exist; (name, created)."""
    engine = admin_engine(url)
    name = engine.url.database or ""
    try:
        with engine.connect():
            return name, False
    except SQLAlchemyError as exc:
        # A failed connection carries no SQLSTATE in psycopg, only the server's words.
        text_ = str(getattr(exc, "orig", exc))
        if not ('database "' in text_ and "does not exist" in text_):
            raise translate(exc) from exc
    finally:
        engine.dispose()
    # CREATE DATABASE cannot run inside a transaction, nor on a connection to the database
    # being made: autocommit, on the 'postgres' maintenance database.
    maint = admin_engine(url, database="postgres")
    try:
        with maint.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {_quote(conn, name)}")
    except SQLAlchemyError as exc:
        raise translate(exc) from exc
    finally:
        maint.dispose()
    log.info("course database created")
    return name, True


def _versions(conn: Connection) -> list[str]:
    if conn.execute(text(f"SELECT to_regclass('{SCHEMA}.{VERSION_TABLE}')")).scalar() is None:
        return []
    return list(conn.execute(text(f"SELECT version_num FROM {SCHEMA}.{VERSION_TABLE}")).scalars())


def init_server(url: str) -> InitResult:
    """Create or upgrade the course schema and roles on the server at ``url``.

    Creates the database if it is missing, the NOLOGIN roles ps_trainee,
    ps_facilitator and ps_course_owner, the schema ps_course, and runs the
    course migrations to the newest revision. Running it again is safe.
    Raises ServerTooNew if a newer PeerScenarios set the server up.
    """
    database, created = _ensure_database(url)

    def work(conn: Connection) -> InitResult:
        # Held until this transaction ends: a second init waits, then finds all in place.
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INIT_LOCK})
        before = _versions(conn)
        from peerscenarios.course.client import known_revisions

        unknown = set(before) - known_revisions()
        if unknown:
            raise ServerTooNew(
                "This course server was set up by a newer version of PeerScenarios; "
                "it was left as it was.",
                f"Use that version to manage it. (server schema {', '.join(sorted(unknown))})")
        existing = set(conn.execute(text(
            "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname IN (:a, :b, :c)"),
            {"a": TRAINEE_ROLE, "b": FACILITATOR_ROLE, "c": OWNER_ROLE}).scalars())
        # PostgreSQL has no CREATE ROLE IF NOT EXISTS, and roles belong to the whole cluster.
        # Only this module's constant names are pasted into SQL here, never a person's.
        for role in (*GROUP_ROLES, OWNER_ROLE):
            if role not in existing:
                conn.exec_driver_sql(f"CREATE ROLE {role} NOLOGIN")
        superuser = conn.execute(text(
            "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")).scalar()
        if not superuser:
            # A CREATEROLE administrator must be a member to hand objects to the owner role.
            conn.exec_driver_sql(f"GRANT {OWNER_ROLE} TO current_user")
        conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA} AUTHORIZATION {OWNER_ROLE}")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {TRAINEE_ROLE}, "
                             f"{FACILITATOR_ROLE}")
        db = _quote(conn, database)
        # Only course members (and administrators) may connect to the course database.
        conn.exec_driver_sql(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {db} TO {TRAINEE_ROLE}, "
                             f"{FACILITATOR_ROLE}")
        # The migrations run in this same transaction: if one fails, the roles and grants
        # above roll back with it. "course@head" is the head of the course branch.
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "course@head")
        after = _versions(conn)
        return InitResult(database=database, before=before[0] if before else None,
                          after=after[0], created_database=created)

    result = _run(url, "init", work)
    log.info("course schema at %s (was %s)", result.after, result.before)
    return result


def _role_groups(conn: Connection, name: str) -> set[str] | None:
    """The course groups ``name`` is in, or None if there is no such role."""
    if conn.execute(text("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :n"),
                    {"n": name}).first() is None:
        return None
    return set(conn.execute(text(
        "SELECT g.rolname FROM pg_catalog.pg_auth_members m "
        "JOIN pg_catalog.pg_roles g ON g.oid = m.roleid "
        "JOIN pg_catalog.pg_roles u ON u.oid = m.member "
        "WHERE u.rolname = :n AND g.rolname IN (:t, :f)"),
        {"n": name, "t": TRAINEE_ROLE, "f": FACILITATOR_ROLE}).scalars())


def check_password(password: str) -> str:
    """``password`` if long enough for a course login; CourseError otherwise."""
    if len(password) < MIN_PASSWORD:
        raise CourseError("That password is too short.",
                          f"Use at least {MIN_PASSWORD} characters.")
    return password


def add_person(url: str, name: str, group: str, password: str) -> None:
    """Create login role ``name`` in ``group`` (ps_trainee or ps_facilitator) with a password."""
    check_name(name)
    check_password(password)
    if group not in GROUP_ROLES:
        raise ValueError(f"unknown course group {group!r}")

    def work(conn: Connection) -> None:
        if _role_groups(conn, name) is not None:
            raise CourseError(f"“{name}” already exists on this server.",
                              "Choose another login name, or use set-password to reset it.")
        conn.exec_driver_sql(f"CREATE ROLE {_quote(conn, name)} LOGIN "
                             f"CONNECTION LIMIT {PERSON_CONNECTION_LIMIT} IN ROLE {group}")
        set_password(conn, name, password)

    _run(url, "add person", work)
    log.info("course person added to %s", group)


def reset_password(url: str, name: str, password: str) -> None:
    """Give an existing course person a new password."""
    check_name(name)
    check_password(password)

    def work(conn: Connection) -> None:
        if not _role_groups(conn, name):
            raise NotFound(f"“{name}” is not a trainee or facilitator on this server.",
                           "Check the spelling; add-trainee and add-facilitator create people.")
        set_password(conn, name, password)

    _run(url, "set password", work)


def assign(url: str, trainee: str, facilitator: str) -> bool:
    """Put ``trainee`` in ``facilitator``'s cohort; False if they already were."""
    check_name(trainee)
    check_name(facilitator)

    def work(conn: Connection) -> bool:
        if TRAINEE_ROLE not in (_role_groups(conn, trainee) or set()):
            raise NotFound(f"“{trainee}” is not a trainee on this server.",
                           "Add them first with: peerscenarios course add-trainee NAME")
        if FACILITATOR_ROLE not in (_role_groups(conn, facilitator) or set()):
            raise NotFound(f"“{facilitator}” is not a facilitator on this server.",
                           "Add them first with: peerscenarios course add-facilitator NAME")
        # No row back means the pair was there already; no race between a check and
        # the insert.
        added = conn.execute(text(
            f"INSERT INTO {SCHEMA}.cohort_member (facilitator, trainee) VALUES (:f, :t) "
            "ON CONFLICT DO NOTHING RETURNING 1"), {"f": facilitator, "t": trainee}).first()
        return added is not None

    return _run(url, "assign", work)


@dataclass(frozen=True, slots=True)
class Person:
    """A course login: its name, group, and (for a trainee) their facilitators."""

    name: str
    group: str
    can_login: bool
    facilitators: tuple[str, ...]


def list_people(url: str) -> list[Person]:
    """Every trainee and facilitator on the server, by group and name."""

    def work(conn: Connection) -> list[Person]:
        rows = conn.execute(text(
            "SELECT u.rolname AS name, g.rolname AS grp, u.rolcanlogin AS login "
            "FROM pg_catalog.pg_auth_members m "
            "JOIN pg_catalog.pg_roles g ON g.oid = m.roleid "
            "JOIN pg_catalog.pg_roles u ON u.oid = m.member "
            "WHERE g.rolname IN (:t, :f) ORDER BY g.rolname, u.rolname"),
            {"t": TRAINEE_ROLE, "f": FACILITATOR_ROLE}).all()
        cohorts: dict[str, list[str]] = {}
        # Before the first init there are people (roles) but no cohort table to read.
        if _versions(conn):
            for f, t in conn.execute(text(
                    f"SELECT facilitator, trainee FROM {SCHEMA}.cohort_member "
                    "ORDER BY facilitator")):
                cohorts.setdefault(t, []).append(f)
        return [Person(r.name, r.grp, bool(r.login), tuple(cohorts.get(r.name, ())))
                for r in rows]

    return _run(url, "list people", work)

