"""The expected ways talking to the course server can fail, each with a plain message."""

# The UI catches these by their plain names (ServerUnreachable, not
# ServerUnreachableError), as storage's errors do.
# ruff: noqa: N818

from __future__ import annotations

from peerscenarios.errors import PeerScenariosError


class CourseError(PeerScenariosError):
    """Root of every course-server problem; ``message`` and ``hint`` are for the person."""


class ServerMissing(CourseError):
    """The PostgreSQL driver (the ``peerscenarios[server]`` extra) is not installed."""


class NotConfigured(CourseError):
    """No course server has been set up in this app yet."""


class InsecureConnection(CourseError):
    """The connection would not be encrypted and checked (sslmode other than verify-full)."""


class ServerUnreachable(CourseError):
    """The server could not be reached (network, name, port, timeout, TLS handshake)."""


class WrongPassword(CourseError):
    """The server refused the user name or password."""


class NoPermission(CourseError):
    """The server understood the request but this person may not do it."""


class ServerTooNew(CourseError):
    """The server's course schema was written by a newer PeerScenarios; nothing was sent."""


class ServerNotReady(CourseError):
    """The database has no course schema yet (``peerscenarios course init`` was not run)."""


class NotFound(CourseError):
    """A submission or session no longer exists, or is not visible to this person."""


class AlreadyUploaded(CourseError):
    """This group session was uploaded before by the same facilitator."""


class InvalidName(CourseError):
    """A person's login name is not usable as a server role name."""


class BundleError(CourseError):
    """A submission file could not be written or read (damaged, too big, wrong kind)."""


class KeyringUnavailable(CourseError):
    """The operating system's password store could not be used."""
