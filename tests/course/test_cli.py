"""``peerscenarios course ...`` against the test cluster: init, people, cohorts, plain errors."""

from __future__ import annotations

import io

import pytest

from peerscenarios.cli import build_parser, main
from peerscenarios.course.cli import cmd_course
from peerscenarios.course.client import connect
from peerscenarios.course.errors import WrongPassword
from peerscenarios.course.records import CourseRole

from .conftest import Course
from .pgcluster import Cluster


def _run(argv: list[str], stdin: str = "") -> int:
    args = build_parser().parse_args(argv)
    return cmd_course(args, stdin=io.StringIO(stdin))


def test_a_course_set_up_from_the_command_line(pg_cluster: Cluster,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    course = Course(cluster=pg_cluster, database="course_cli")
    url = course.url
    ana, fay = course.name("ana"), course.name("fay")
    assert main(["course", "--server", url, "init"]) == 0
    assert "schema c0001 (new)" in capsys.readouterr().out
    assert main(["course", "--server", url, "init"]) == 0
    assert "(was c0001)" in capsys.readouterr().out
    assert _run(["course", "--server", url, "add-trainee", ana, "--password-stdin"],
                "a secret passphrase\n") == 0
    assert _run(["course", "--server", url, "add-facilitator", fay,
                 "--generate-password"]) == 0
    out = capsys.readouterr().out
    generated = out.split(f"password for {fay}: ")[1].split()[0]
    assert main(["course", "--server", url, "assign", ana, fay]) == 0
    assert main(["course", "--server", url, "assign", ana, fay]) == 0
    out = capsys.readouterr().out
    assert "is now in" in out
    assert "is already in" in out
    assert main(["course", "--server", url, "people"]) == 0
    listing = capsys.readouterr().out
    assert f"trainee      {ana}  cohort of: {fay}" in listing
    assert f"facilitator  {fay}" in listing
    # The people can sign in with the passwords they were given.
    s = course.settings(ana)
    with connect(s, "a secret passphrase") as client:  # type: ignore[arg-type]
        assert client.role is CourseRole.TRAINEE
    with connect(course.settings(fay), generated) as client:  # type: ignore[arg-type]
        assert client.role is CourseRole.FACILITATOR
    assert _run(["course", "--server", url, "set-password", ana, "--password-stdin"],
                "another passphrase\n") == 0
    with pytest.raises(WrongPassword):
        connect(s, "a secret passphrase")  # type: ignore[arg-type]


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (["add-trainee", "Bad Name", "--password-stdin"], "a secret passphrase\n",
     "cannot be used as a login name"),
    (["add-trainee", "ps_admin", "--password-stdin"], "a secret passphrase\n",
     "cannot be used as a login name"),
    (["add-trainee", "shorty", "--password-stdin"], "short\n", "too short"),
    (["add-trainee", "nobody_typing"], "", "No password given"),
    (["assign", "nobody_at_all", "nor_this_one"], "", "is not a trainee on this server"),
    (["set-password", "nobody_at_all", "--password-stdin"], "a secret passphrase\n",
     "is not a trainee or facilitator"),
])
def test_mistakes_get_a_plain_message(course: Course, capsys: pytest.CaptureFixture[str],
                                      argv: list[str], stdin: str, message: str) -> None:
    assert _run(["course", "--server", course.url, *argv], stdin) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_existing_login_is_not_added_twice(course: Course,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    name = course.add("ana", "trainee")
    assert _run(["course", "--server", course.url, "add-facilitator", name,
                 "--password-stdin"], "a secret passphrase\n") == 1
    assert "already exists" in capsys.readouterr().err


def test_no_server_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PEERSCENARIOS_COURSE_SERVER", raising=False)
    assert main(["course", "init"]) == 2
    assert "--server URL" in capsys.readouterr().err


def test_a_wrong_admin_password_is_plain(pg_cluster: Cluster,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    url = pg_cluster.url("postgres").replace(pg_cluster.password, "wrong-password")
    assert main(["course", "--server", url, "init"]) == 1
    assert "did not accept the user name or password" in capsys.readouterr().err


def test_an_insecure_network_url_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "--server", "postgresql://admin@db.example.org/c?sslmode=disable",
                 "init"]) == 1
    assert "sslmode=verify-full" in capsys.readouterr().err
