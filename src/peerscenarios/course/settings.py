"""Course-server connection settings as a plain dataclass, and the password in the OS keyring.

The UI persists :class:`CourseSettings` with its own settings file (the dict
from :meth:`CourseSettings.to_dict`); the password never goes there. It lives
in the operating system's password store through the ``keyring`` package,
under one entry per server and user (:func:`keyring_username`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from peerscenarios.course.errors import KeyringUnavailable, ServerMissing

log = logging.getLogger(__name__)

DEFAULT_PORT = 5432
DEFAULT_DATABASE = "peerscenarios_course"
# The only TLS mode that both encrypts and checks that the server is the one
# named in ``host`` (libpq's docs: the other modes allow a man in the middle).
VERIFY_FULL = "verify-full"
# The documented opt-out: no TLS, allowed only for a unix-socket folder on
# this same computer, where there is no network to protect.
SOCKET_NO_TLS = "disable"
SSL_MODES = (VERIFY_FULL, SOCKET_NO_TLS)
KEYRING_SERVICE = "PeerScenarios course server"
CONNECT_TIMEOUT_S = 10
STATEMENT_TIMEOUT_MS = 30_000


@dataclass(frozen=True, slots=True)
class CourseSettings:
    """Where the course server is and who signs in.

    ``host`` is a name or address, or an absolute unix-socket folder.
    ``ca_file`` is the organisation's CA certificate (PEM) that signed the
    server's certificate; empty means the operating system's trusted CAs.
    ``sslmode`` is ``verify-full`` (always, over a network) or ``disable``
    (only with a socket folder as ``host``).
    """

    host: str = ""
    port: int = DEFAULT_PORT
    database: str = DEFAULT_DATABASE
    user: str = ""
    ca_file: str = ""
    sslmode: str = VERIFY_FULL
    connect_timeout_s: int = CONNECT_TIMEOUT_S
    statement_timeout_ms: int = STATEMENT_TIMEOUT_MS

    @property
    def configured(self) -> bool:
        """True when a host and a user have been entered."""
        return bool(self.host.strip() and self.user.strip())

    @property
    def is_socket(self) -> bool:
        """True when ``host`` is a unix-socket folder on this computer."""
        return self.host.startswith("/")

    def describe(self) -> str:
        """Where this connects to, in words, e.g. ``ana@course.example.org:5432/course``."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain values to persist (never holds a password)."""
        return {"host": self.host, "port": self.port, "database": self.database,
                "user": self.user, "ca_file": self.ca_file, "sslmode": self.sslmode,
                "connect_timeout_s": self.connect_timeout_s,
                "statement_timeout_ms": self.statement_timeout_ms}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CourseSettings:
        """Settings from :meth:`to_dict`'s output; unknown keys are ignored, bad values reset."""
        # A settings file edited by hand or by another version must never stop the app.
        base = cls()
        out = base

        def text(key: str, default: str) -> str:
            value = data.get(key, default)
            return value.strip() if isinstance(value, str) else default

        def number(key: str, default: int, low: int, high: int) -> int:
            try:
                value = int(data.get(key, default))
            except (TypeError, ValueError):
                return default
            return value if low <= value <= high else default

        out = replace(
            base,
            host=text("host", base.host), user=text("user", base.user),
            database=text("database", base.database) or base.database,
            ca_file=text("ca_file", base.ca_file),
            port=number("port", base.port, 1, 65535),
            connect_timeout_s=number("connect_timeout_s", base.connect_timeout_s, 1, 300),
            statement_timeout_ms=number("statement_timeout_ms", base.statement_timeout_ms,
                                        100, 600_000),
        )
        # An unknown mode becomes verify-full: a damaged setting can only make the
        # connection stricter, never weaker.
        mode = text("sslmode", VERIFY_FULL)
        return replace(out, sslmode=mode if mode in SSL_MODES else VERIFY_FULL)


def keyring_username(settings: CourseSettings) -> str:
    """The keyring entry's user name: one password per user on each server and database."""
    return settings.describe()


def _keyring() -> Any:
    try:
        import keyring
        import keyring.errors
    except ImportError as exc:
        raise ServerMissing(
            "The course-server parts of PeerScenarios are not installed.",
            "Install them with: python3 -m pip install 'peerscenarios[server]'",
        ) from exc
    return keyring


def _unavailable(exc: Exception) -> KeyringUnavailable:
    # The exception text may name the backend; it never holds the password.
    log.warning("keyring unavailable: %s", type(exc).__name__)
    return KeyringUnavailable(
        "Your computer's password store could not be used, so the password was not saved.",
        "You can still connect: you will be asked for the password each time.",
    )


def save_password(settings: CourseSettings, password: str) -> None:
    """Store the password in the OS keyring; KeyringUnavailable if there is no usable store."""
    kr = _keyring()
    try:
        kr.set_password(KEYRING_SERVICE, keyring_username(settings), password)
    except Exception as exc:  # keyring backends raise many kinds; all mean "no store"
        raise _unavailable(exc) from exc


def load_password(settings: CourseSettings) -> str | None:
    """The saved password, or None if none is saved; KeyringUnavailable if there is no store."""
    kr = _keyring()
    try:
        value = kr.get_password(KEYRING_SERVICE, keyring_username(settings))
    except Exception as exc:  # see save_password
        raise _unavailable(exc) from exc
    return value if isinstance(value, str) else None


def forget_password(settings: CourseSettings) -> None:
    """Remove the saved password, if there is one (no error when there is none)."""
    kr = _keyring()
    try:
        kr.delete_password(KEYRING_SERVICE, keyring_username(settings))
    except kr.errors.PasswordDeleteError:
        return
    except Exception as exc:  # see save_password
        raise _unavailable(exc) from exc
