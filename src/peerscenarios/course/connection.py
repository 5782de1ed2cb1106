"""Opening a connection to the course server safely, and turning its failures into plain words.

Every connection is TLS with ``sslmode=verify-full`` (the server's
certificate must be signed by a trusted CA and name the host), has a connect
timeout, a statement timeout and an ``application_name`` the server's
administrator can see in ``pg_stat_activity``. The one opt-out is a unix
socket on the same computer (``sslmode=disable`` with a socket folder as
host), where no network is involved. psycopg is imported only here, lazily.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from peerscenarios import __version__
from peerscenarios.course.errors import (
    AlreadyUploaded,
    CourseError,
    InsecureConnection,
    NoPermission,
    NotFound,
    ServerMissing,
    ServerNotReady,
    ServerUnreachable,
    WrongPassword,
)
from peerscenarios.course.settings import SOCKET_NO_TLS, VERIFY_FULL, CourseSettings

log = logging.getLogger(__name__)

APPLICATION_NAME = f"PeerScenarios {__version__}"
# SQLSTATE codes (PostgreSQL's "Appendix A. Error Codes").
_AUTH_FAILED = {"28P01", "28000"}  # invalid_password, invalid_authorization_specification
_NO_DATABASE = "3D000"
_NO_PRIVILEGE = "42501"
# undefined_table, invalid_schema_name, undefined_function: each means `course init`
# has not run on this database.
_NO_TABLE = {"42P01", "3F000", "42883"}
_UNIQUE = "23505"  # uq_group_session_upload_once: the same session uploaded again
_NO_DATA = "P0002"  # raised by withdraw_submission when the row is not the caller's
_CHECK_FAILED = {"23514", "23502"}
_CANCELED = "57014"  # query_canceled, which statement_timeout raises
# Connection exceptions (class 08) and the server shutting down or starting up (57P0x).
_CONNECTION_LOST = {"08000", "08003", "08006", "08001", "08004", "57P01", "57P02", "57P03"}


def require_driver() -> None:
    """ServerMissing unless psycopg (the ``peerscenarios[server]`` extra) can be imported."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise ServerMissing(
            "The course-server parts of PeerScenarios are not installed.",
            "Install them with: python3 -m pip install 'peerscenarios[server]'",
        ) from exc


def check_tls(host: str, sslmode: str) -> None:
    """InsecureConnection unless the connection is verify-full, or no-TLS on a local socket."""
    if sslmode == VERIFY_FULL:
        return
    # libpq reads a host that starts with '/' as a unix-socket folder: no network at all.
    if sslmode == SOCKET_NO_TLS and host.startswith("/"):
        return
    raise InsecureConnection(
        f"PeerScenarios only talks to a course server over an encrypted, checked connection "
        f"(sslmode=verify-full), not sslmode={sslmode or 'none'}.",
        "Ask whoever runs the server for its CA certificate and use verify-full. "
        "sslmode=disable is allowed only for a unix socket folder on this computer.",
    )


def _timeouts(connect_s: int, statement_ms: int) -> dict[str, Any]:
    return {
        "connect_timeout": connect_s,
        "application_name": APPLICATION_NAME,
        # A statement the server cannot finish in time is cancelled rather than
        # leaving the person waiting; an abandoned transaction is closed. Sent as
        # start-up options, they hold from the first statement, the sign-in checks too.
        "options": f"-c statement_timeout={statement_ms} "
                   f"-c idle_in_transaction_session_timeout={max(statement_ms, 60_000)}",
    }


def _tls_args(sslmode: str, ca_file: str) -> dict[str, Any]:
    args: dict[str, Any] = {"sslmode": sslmode}
    if sslmode == VERIFY_FULL:
        # "system": the operating system's trusted CAs (libpq 16 and later).
        args["sslrootcert"] = ca_file or "system"
    return args


def person_engine(settings: CourseSettings, password: str) -> Engine:
    """An engine that signs in as the person in ``settings``; nothing is connected yet."""
    require_driver()
    check_tls(settings.host, settings.sslmode)
    connect_args: dict[str, Any] = {
        "host": settings.host, "port": settings.port, "dbname": settings.database,
        "user": settings.user, "password": password,
        **_tls_args(settings.sslmode, settings.ca_file),
        **_timeouts(settings.connect_timeout_s, settings.statement_timeout_ms),
    }
    return create_engine(
        "postgresql+psycopg://", connect_args=connect_args,
        # One person, one action at a time: a small pool, checked before use so a
        # connection dropped while the laptop slept is replaced quietly.
        pool_size=1, max_overflow=1, pool_pre_ping=True, pool_recycle=600,
        pool_timeout=settings.connect_timeout_s,
    )


def admin_engine(url: str | URL, *, database: str | None = None,
                 password: str | None = None) -> Engine:
    """An engine for an administrator's server URL (``postgresql://admin@host/db``).

    The URL's own ``sslmode`` is honoured only under the same rule as people's
    connections (verify-full, or disable on a unix socket); ``sslrootcert``
    may name the CA file. A password may come from the URL, ``password``, or
    libpq's usual PGPASSWORD / ~/.pgpass.
    """
    require_driver()
    try:
        parsed = make_url(url)
    except SQLAlchemyError as exc:
        raise CourseError(f"“{url}” is not a server URL.",
                          "Write it as postgresql://USER@HOST:PORT/DATABASE.") from exc
    if parsed.get_backend_name() != "postgresql":
        raise CourseError(f"“{parsed.render_as_string()}” is not a PostgreSQL server URL.",
                          "Write it as postgresql://USER@HOST:PORT/DATABASE.")
    query = dict(parsed.query)
    # A socket folder comes as ?host=/path with no host part (libpq's own convention).
    host = parsed.host or str(query.pop("host", "") or "")
    sslmode = str(query.pop("sslmode", VERIFY_FULL))
    ca_file = str(query.pop("sslrootcert", ""))
    check_tls(host, sslmode)
    parsed = parsed.set(drivername="postgresql+psycopg", query=query, host=parsed.host)
    if database is not None:
        parsed = parsed.set(database=database)
    if password is not None:
        parsed = parsed.set(password=password)
    connect_args: dict[str, Any] = {**_tls_args(sslmode, ca_file),
                                    **_timeouts(10, 600_000)}
    if not parsed.host and host:
        connect_args["host"] = host
    # No pool: an administrator's command runs one transaction and exits, and a pooled
    # connection would only linger on the server.
    return create_engine(parsed, connect_args=connect_args, poolclass=_null_pool())


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def _connect_message(text: str) -> CourseError:
    # A failed connection has no SQLSTATE, only libpq's words, so phrases are matched:
    # the most specific first ("does not support SSL" also contains "ssl").
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low \
            or "authentication failed" in low:
        return WrongPassword("The course server did not accept the user name or password.",
                             "Check both, or ask whoever runs the course to reset the password.")
    if "does not support ssl" in low or "ssl was required" in low:
        return InsecureConnection(
            "The course server does not offer an encrypted connection, so nothing was sent.",
            "Ask whoever runs the server to switch TLS on (see the course-server guide).")
    if "certificate" in low or "ssl" in low or "root.crt" in low or "tls" in low:
        return InsecureConnection(
            "The course server's identity could not be checked (its certificate is not "
            "signed by the CA you gave, or does not name this host), so nothing was sent.",
            "Check the host name and the CA certificate file in the connection settings.")
    if 'database "' in low and "does not exist" in low:
        return ServerNotReady("The course database does not exist on that server.",
                              "Check the database name in the connection settings.")
    if "no pg_hba.conf entry" in low or "not permitted to log in" in low:
        return NoPermission("The course server does not allow this user to sign in from here.",
                            "Ask whoever runs the course to check your account.")
    return ServerUnreachable(
        "The course server could not be reached.",
        "Check your network connection and the host and port in the connection settings, "
        "then try again. Nothing was sent.")


def translate(exc: BaseException) -> CourseError:
    """A plain-language CourseError for a database error met while talking to the server."""
    if isinstance(exc, CourseError):
        return exc
    if isinstance(exc, PoolTimeout):
        return ServerUnreachable("The course server took too long to answer.",
                                 "Try again in a moment. Nothing was changed.")
    state = _sqlstate(exc)
    orig = getattr(exc, "orig", exc)
    text = str(orig)
    if state in _AUTH_FAILED:
        return _connect_message("password authentication failed")
    if state == _NO_DATABASE:
        return _connect_message('database "" does not exist')
    if state == _NO_PRIVILEGE:
        return NoPermission("Your account on the course server is not allowed to do that.",
                            "Ask whoever runs the course to check your role.")
    if state in _NO_TABLE:
        return ServerNotReady("The course server has not been set up for PeerScenarios yet.",
                              "Whoever runs it should run: peerscenarios course init")
    if state == _UNIQUE:
        return AlreadyUploaded("This was already uploaded to the course.",
                               "It is in the course's list; nothing new was added.")
    if state == _NO_DATA:
        return NotFound("That submission is not there to withdraw (it may already be "
                        "withdrawn).", "Refresh the list to see where it stands.")
    if state in _CHECK_FAILED:
        return CourseError("The course server refused the data as it was sent.",
                           "Please report this problem.")
    if state == _CANCELED:
        return ServerUnreachable("The course server took too long to answer.",
                                 "Try again in a moment. Nothing was changed.")
    # A failed or lost connection carries no SQLSTATE in psycopg, only the server's words;
    # any other error without one is a bug here, reported as such below.
    connection_failure = type(orig).__name__ in ("OperationalError", "InterfaceError")
    if state in _CONNECTION_LOST or (state is None and connection_failure) or (
            isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return _connect_message(text)
    # Only the code and the class are logged: PostgreSQL's detail can quote the failing
    # row, which may hold a portfolio's text.
    log.warning("unexpected course-server error %s (%s)", state, type(orig).__name__)
    return CourseError("The course server reported a problem it did not explain.",
                       f"Please report it to whoever runs the course (code {state}).")
