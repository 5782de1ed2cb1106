"""TLS: verify-full succeeds with the organisation's CA, and fails plainly without it."""

from __future__ import annotations

import pytest

from peerscenarios.course import admin
from peerscenarios.course.client import connect
from peerscenarios.course.connection import admin_engine
from peerscenarios.course.errors import InsecureConnection
from peerscenarios.course.records import CourseRole
from peerscenarios.course.settings import CourseSettings

from .pgcluster import Cluster


@pytest.fixture(scope="module")
def tls_course(tls_cluster: Cluster) -> tuple[Cluster, str]:
    """A course on the TLS cluster, set up over TCP with verify-full, and one trainee."""
    admin.init_server(tls_cluster.url("course_tls", tcp=True))
    admin.add_person(tls_cluster.url("course_tls", tcp=True), "tls_ana", "ps_trainee",
                     "pw-tls-ana-1")
    return tls_cluster, "tls_ana"


def _settings(cluster: Cluster, **kw: object) -> CourseSettings:
    base = CourseSettings(host="localhost", port=cluster.port, database="course_tls",
                          user="tls_ana", ca_file=str(cluster.ca_file))
    from dataclasses import replace

    return replace(base, **kw)  # type: ignore[arg-type]


def test_verify_full_with_the_right_ca_signs_in(tls_course: tuple[Cluster, str]) -> None:
    cluster, _ = tls_course
    with connect(_settings(cluster), "pw-tls-ana-1") as client:
        assert client.role is CourseRole.TRAINEE
        engine = client._engine  # the connection really is encrypted
        with engine.connect() as conn:
            assert conn.exec_driver_sql(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").scalar() is True


def test_the_address_works_as_well_as_the_name(tls_course: tuple[Cluster, str]) -> None:
    cluster, _ = tls_course
    with connect(_settings(cluster, host="127.0.0.1"), "pw-tls-ana-1") as client:
        assert client.user == "tls_ana"


def test_without_the_ca_the_server_is_not_trusted(tls_course: tuple[Cluster, str]) -> None:
    cluster, _ = tls_course
    # No CA file: the operating system's CAs, which never signed this test certificate.
    with pytest.raises(InsecureConnection) as info:
        connect(_settings(cluster, ca_file=""), "pw-tls-ana-1")
    assert info.value.message.startswith("The course server's identity could not be checked")
    assert "CA certificate" in info.value.hint


def test_a_missing_ca_file_is_a_plain_message(tls_course: tuple[Cluster, str]) -> None:
    cluster, _ = tls_course
    with pytest.raises(InsecureConnection, match="identity could not be checked"):
        connect(_settings(cluster, ca_file="/nonexistent/ca.pem"), "pw-tls-ana-1")


def test_the_admin_url_is_held_to_the_same_rule(tls_cluster: Cluster) -> None:
    with pytest.raises(InsecureConnection):
        admin_engine(f"postgresql://postgres@localhost:{tls_cluster.port}/x?sslmode=require")
    with pytest.raises(InsecureConnection):
        admin_engine(f"postgresql://postgres@localhost:{tls_cluster.port}/x?sslmode=disable")
