"""``peerscenarios export``: exit codes, messages and the files it writes."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from peerscenarios.cli import main
from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.storage import Storage

from ._helpers import FakeClock, play
from ._pdfread import read_pdf


@pytest.fixture
def history(storage: Storage, library: Library, clock: FakeClock) -> Storage:
    """One profile with attempts on 2026-03-02 and 2026-03-04."""
    profile = storage.create_profile("Robin")
    walt = library.by_id("benefits-form")
    assert walt is not None
    play(storage, walt, profile.id, clock=clock)
    clock.advance(days=2)
    play(storage, walt, profile.id, picks=(1,), clock=clock)
    return storage


@pytest.mark.parametrize("fmt", ["md", "csv", "pdf"])
def test_exports_each_format(tmp_path: Path, history: Storage, fmt: str, qapp: object,
                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"portfolio.{fmt}"
    assert main(["export", "--format", fmt, "--out", str(out)]) == 0
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert "Robin" in capsys.readouterr().out
    if fmt == "md":
        assert out.read_text(encoding="utf-8").count("### Attempt") == 2


def test_date_range(tmp_path: Path, history: Storage) -> None:
    out = tmp_path / "p.md"
    assert main(["export", "--format", "md", "--out", str(out), "--since", "2026-03-03",
                 "--until", "2026-03-04"]) == 0
    assert out.read_text(encoding="utf-8").count("### Attempt") == 1


def test_no_attempts_in_range(tmp_path: Path, history: Storage,
                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.md"
    assert main(["export", "--format", "md", "--out", str(out), "--since", "2027-01-01"]) == 1
    assert "no attempts" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("args", [
    ["--since", "yesterday"], ["--until", "2026-13-01"], ["--since", "20260301"],
    ["--since", "2026-03-05", "--until", "2026-03-01"],
])
def test_bad_dates_are_usage_errors(tmp_path: Path, history: Storage, args: list[str],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "md", "--out", str(tmp_path / "p.md"), *args]) == 2
    err = capsys.readouterr().err
    assert args[0] in err
    assert "YYYY-MM-DD" in err or "after" in err


def test_profiles(tmp_path: Path, history: Storage,
                  capsys: pytest.CaptureFixture[str]) -> None:
    history.create_profile("Ash")
    out = str(tmp_path / "p.md")
    assert main(["export", "--format", "md", "--out", out]) == 1
    err = capsys.readouterr().err
    assert "several profiles" in err
    assert "Ash, Robin" in err
    assert main(["export", "--format", "md", "--out", out, "--profile", "Nobody"]) == 1
    assert "no profile called “Nobody”" in capsys.readouterr().err
    assert main(["export", "--format", "md", "--out", out, "--profile", "robin"]) == 0
    assert main(["export", "--format", "md", "--out", out, "--profile", "Ash"]) == 1
    assert "no attempts" in capsys.readouterr().err


def test_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "md", "--out", str(tmp_path / "p.md"),
                 "--data-dir", str(tmp_path / "empty")]) == 1
    assert "no practice history" in capsys.readouterr().err


def test_unwritable_destination(tmp_path: Path, history: Storage,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "no" / "p.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_page_size(tmp_path: Path, history: Storage, qapp: object,
                   capsys: pytest.CaptureFixture[str]) -> None:
    for size, box in (("letter", (612.0, 792.0)), ("A4", (595.0, 842.0))):
        out = tmp_path / f"p-{size}.pdf"
        assert main(["export", "--format", "pdf", "--out", str(out), "--page-size", size]) == 0
        page = read_pdf(out).pages[0]
        assert (page.width, page.height) == pytest.approx(box, abs=0.5)
    assert main(["export", "--format", "md", "--out", str(tmp_path / "p.md"),
                 "--page-size", "a4"]) == 2
    assert "PDF only" in capsys.readouterr().err


def _group_run(storage: Storage, scenario: Scenario, votes_for: int) -> int:
    """A finished group run: one decision, ``votes_for`` hands for the first response."""
    session = storage.start_group_session(scenario.id, scenario.content_hash)
    node = scenario.node(scenario.start)
    while not node.choices:
        assert node.next is not None
        node = scenario.node(node.next)
    storage.record_group_decision(session.id, node.id, {node.choices[0].id: votes_for},
                                  node.choices[0].id, False)
    storage.finish_group_session(session.id, None)
    return session.id


def test_group_session(tmp_path: Path, storage: Storage, library: Library, clock: FakeClock,
                       qapp: object, capsys: pytest.CaptureFixture[str]) -> None:
    walt = library.by_id("benefits-form")
    twenty = library.by_id("can-i-borrow-twenty")
    assert walt is not None
    assert twenty is not None
    first = _group_run(storage, walt, 4)
    clock.advance(hours=1)
    latest = _group_run(storage, twenty, 7)

    out = tmp_path / "latest.csv"
    assert main(["export", "--group-session", "latest", "--format", "csv",
                 "--out", str(out)]) == 0
    assert f"Wrote group session {latest} (can-i-borrow-twenty" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["session"] for r in rows} == {str(latest)}
    assert os.stat(out).st_mode & 0o777 == 0o600

    out = tmp_path / "first.pdf"
    assert main(["export", "--group-session", str(first), "--format", "pdf",
                 "--page-size", "letter", "--out", str(out)]) == 0
    pdf = read_pdf(out)
    assert "Group session: Twenty-two pages" in pdf.text
    assert (pdf.pages[0].width, pdf.pages[0].height) == pytest.approx((612.0, 792.0), abs=0.5)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--group-session", "999", "--format", "csv"], 1, "no group session number 999. The latest: "),
    (["--group-session", "third", "--format", "csv"], 2, "a session number or “latest”, not “third”"),
    (["--group-session", "latest", "--format", "md"], 2, "exported as pdf or csv"),
    (["--group-session", "latest", "--format", "csv", "--profile", "Robin"], 2,
     "--profile applies to a portfolio"),
])
def test_group_session_mistakes(tmp_path: Path, storage: Storage, library: Library,
                                args: list[str], code: int, message: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    walt = library.by_id("benefits-form")
    assert walt is not None
    session_id = _group_run(storage, walt, 3)
    out = tmp_path / "g.out"
    assert main(["export", *args, "--out", str(out)]) == code
    err = capsys.readouterr().err
    assert message in err
    if code == 1:
        assert f"{session_id} (benefits-form, " in err  # the sessions there are, to pick from
    assert not out.exists()


def test_no_group_sessions(tmp_path: Path, history: Storage,
                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.pdf"
    assert main(["export", "--group-session", "latest", "--format", "pdf",
                 "--out", str(out)]) == 1
    assert "there are no group sessions yet" in capsys.readouterr().err
    assert not out.exists()
