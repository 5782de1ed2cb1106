"""Every way signing in can fail comes out as a plain message, and a newer server is refused."""

from __future__ import annotations

import socket
from dataclasses import replace
from typing import Any

import psycopg
import pytest

from peerscenarios.course import admin
from peerscenarios.course.client import connect
from peerscenarios.course.errors import (
    InsecureConnection,
    NoPermission,
    NotConfigured,
    ServerNotReady,
    ServerTooNew,
    ServerUnreachable,
    WrongPassword,
)
from peerscenarios.course.settings import CourseSettings

from .conftest import Course
from .pgcluster import Cluster


def _superuser(cluster: Cluster, database: str) -> psycopg.Connection[Any]:
    return psycopg.connect(host=cluster.socket_dir, port=cluster.port, dbname=database,
                           user="postgres", password=cluster.password, autocommit=True)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_wrong_password(course: Course) -> None:
    name = course.add("ana", "trainee")
    settings: Any = course.settings(name)
    with pytest.raises(WrongPassword) as info:
        connect(settings, "not the password")
    assert info.value.message == "The course server did not accept the user name or password."
    assert "password" not in str(info.value).split("not accept")[0]  # no echo of what was typed


def test_unknown_user_is_the_same_message_as_a_wrong_password(course: Course) -> None:
    settings: Any = course.settings("nobody_here")
    with pytest.raises(WrongPassword):
        connect(settings, "whatever-123")


def test_unreachable_server_says_so_plainly() -> None:
    settings = CourseSettings(host="/nonexistent-socket-folder", user="ana", sslmode="disable",
                              connect_timeout_s=2)
    with pytest.raises(ServerUnreachable) as info:
        connect(settings, "pw-12345678")
    assert info.value.message == "The course server could not be reached."
    assert "Nothing was sent" in info.value.hint
    tcp = CourseSettings(host="127.0.0.1", port=_closed_port(), user="ana", connect_timeout_s=2,
                         ca_file="/nonexistent/ca.pem")
    with pytest.raises(ServerUnreachable):
        connect(tcp, "pw-12345678")


def test_not_configured_is_said_before_anything_is_tried() -> None:
    with pytest.raises(NotConfigured):
        connect(CourseSettings(), "x")


def test_a_login_that_is_not_in_the_course_has_no_permission(course: Course) -> None:
    with _superuser(course.cluster, course.database) as su:
        su.execute(f"CREATE ROLE outsider_{course.suffix} LOGIN PASSWORD 'pw-outsider-1'")
        su.execute(f"GRANT CONNECT ON DATABASE {course.database} TO outsider_{course.suffix}")
    settings: Any = course.settings(f"outsider_{course.suffix}")
    with pytest.raises(NoPermission, match="is not a trainee or facilitator"):
        connect(settings, "pw-outsider-1")


def test_missing_database_and_missing_schema(course: Course) -> None:
    name = course.add("ana", "trainee")
    bare = f"{course.database}_bare"
    with _superuser(course.cluster, "postgres") as su:
        su.execute(f"CREATE DATABASE {bare}")
    settings: Any = course.settings(name)
    with pytest.raises(ServerNotReady, match="database does not exist"):
        connect(replace(settings, database=f"{course.database}_missing"), course.password(name))
    # A database that exists but where `course init` never ran.
    with pytest.raises(ServerNotReady, match="has not been set up"):
        connect(replace(settings, database=bare), course.password(name))


def test_a_server_with_a_newer_schema_is_refused(course: Course) -> None:
    name = course.add("ana", "trainee")
    with _superuser(course.cluster, course.database) as su:
        su.execute("UPDATE ps_course.schema_version SET version_num = 'c9999'")
    with pytest.raises(ServerTooNew) as info:
        connect(course.settings(name), course.password(name))  # type: ignore[arg-type]
    assert "newer version of PeerScenarios" in info.value.message
    assert "c9999" in info.value.hint
    # `course init` from this version leaves it alone too.
    with pytest.raises(ServerTooNew, match="left as it was"):
        admin.init_server(course.url)
    with _superuser(course.cluster, course.database) as su:
        assert su.execute("SELECT version_num FROM ps_course.schema_version").fetchall() == [
            ("c9999",)]


def test_no_tls_over_a_network_is_refused_before_connecting() -> None:
    for mode in ("disable", "require", "prefer", "verify-ca", ""):
        settings = CourseSettings(host="course.example.org", user="ana", sslmode=mode)
        with pytest.raises(InsecureConnection) as info:
            connect(settings, "pw-12345678")
        assert "verify-full" in info.value.message


def test_verify_full_against_a_server_without_tls(pg_cluster: Cluster) -> None:
    settings = CourseSettings(host="127.0.0.1", port=pg_cluster.port, user="postgres",
                              database="postgres")
    with pytest.raises(InsecureConnection) as info:
        connect(settings, pg_cluster.password)
    assert info.value.message == ("The course server does not offer an encrypted connection, "
                                  "so nothing was sent.")
