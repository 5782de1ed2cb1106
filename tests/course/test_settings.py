"""Course settings as plain data, the password only in the keyring, and the TLS rule."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import keyring.errors
import pytest

from peerscenarios.course.connection import check_tls
from peerscenarios.course.errors import InsecureConnection, KeyringUnavailable
from peerscenarios.course.settings import (
    KEYRING_SERVICE,
    CourseSettings,
    forget_password,
    load_password,
    save_password,
)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps passwords in a dict, for tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError("not there")
        del self.store[(service, username)]


class BrokenKeyring(MemoryKeyring):
    """A keyring whose store is locked or missing."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.NoKeyringError("no backend")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


SETTINGS = CourseSettings(host="course.example.org", user="ana.ruiz", database="course",
                          ca_file="/etc/org-ca.pem")


def test_settings_round_trip_and_never_hold_a_password() -> None:
    data = SETTINGS.to_dict()
    assert "password" not in " ".join(data)
    assert CourseSettings.from_dict(data) == SETTINGS
    assert SETTINGS.configured
    assert not CourseSettings().configured
    assert SETTINGS.describe() == "ana.ruiz@course.example.org:5432/course"


def test_bad_stored_values_fall_back_to_safe_defaults() -> None:
    got = CourseSettings.from_dict({"port": "lots", "sslmode": "disable-please",
                                    "connect_timeout_s": -4, "host": 7, "database": ""})
    assert got == CourseSettings()
    assert got.sslmode == "verify-full"


def test_password_lives_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    assert load_password(SETTINGS) is None
    save_password(SETTINGS, "s3cret pass")
    assert memory_keyring.store == {(KEYRING_SERVICE, SETTINGS.describe()): "s3cret pass"}
    assert load_password(SETTINGS) == "s3cret pass"
    forget_password(SETTINGS)
    forget_password(SETTINGS)  # twice is fine
    assert load_password(SETTINGS) is None


def test_no_usable_keyring_is_a_plain_message() -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        with pytest.raises(KeyringUnavailable, match="password store could not be used"):
            save_password(SETTINGS, "x")
        with pytest.raises(KeyringUnavailable):
            load_password(SETTINGS)
    finally:
        keyring.set_keyring(before)


@pytest.mark.parametrize(("host", "mode", "ok"), [
    ("course.example.org", "verify-full", True),
    ("/var/run/postgresql", "verify-full", True),
    ("/var/run/postgresql", "disable", True),
    ("course.example.org", "disable", False),
    ("127.0.0.1", "disable", False),
    ("course.example.org", "require", False),
    ("course.example.org", "verify-ca", False),
])
def test_tls_rule(host: str, mode: str, ok: bool) -> None:
    if ok:
        check_tls(host, mode)
    else:
        with pytest.raises(InsecureConnection):
            check_tls(host, mode)
