"""Group session export: votes per decision, the path followed, notes; no personal data."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from peerscenarios.app.exports import export_group_session
from peerscenarios.app.views import build_group_report
from peerscenarios.core.library import Library
from peerscenarios.export import ExportError
from peerscenarios.export.group import GROUP_COLUMNS, group_html
from peerscenarios.storage import Storage

from ._helpers import pdf_page_count

NOTES = "=Room split on B.\nAsked about <script>."


@pytest.fixture
def session_id(storage: Storage, library: Library) -> int:
    """A finished group run of benefits-form: two decisions, notes typed live."""
    walt = library.by_id("benefits-form")
    assert walt is not None
    session = storage.start_group_session(walt.id, walt.content_hash)
    first = walt.node(walt.start)
    votes = {first.choices[0].id: 4, first.choices[1].id: 9, first.choices[2].id: 1}
    # The room voted B, the facilitator followed A: the override must show.
    storage.record_group_decision(session.id, first.id, votes, first.choices[0].id, False)
    node = walt.node(first.choices[0].next)
    while not node.choices:
        assert node.next is not None
        node = walt.node(node.next)
    storage.record_group_decision(session.id, node.id, {node.choices[1].id: 3},
                                  node.choices[1].id, True)
    storage.set_group_notes(session.id, NOTES)
    storage.finish_group_session(session.id, None)
    return session.id


def test_report(storage: Storage, library: Library, session_id: int) -> None:
    report = build_group_report(storage, library, session_id)
    first, second = report.decisions
    assert [v.letter for v in first.votes] == ["A", "B", "C"]
    assert [v.votes for v in first.votes] == [4, 9, 1]
    assert first.chosen is not None
    assert first.chosen.letter == "A"
    assert first.total_votes == 14
    assert second.revealed_all
    assert [v.votes for v in second.votes][1] == 3
    assert sum(v.votes for v in second.votes) == 3  # choices without votes count 0
    assert report.path_text == "1A → 2B"
    assert report.notes == NOTES


def test_csv(tmp_path: Path, storage: Storage, library: Library, session_id: int) -> None:
    out = export_group_session(storage, library, session_id, "csv", tmp_path / "g.csv")
    assert os.stat(out).st_mode & 0o777 == 0o600
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == GROUP_COLUMNS
    assert rows[0]["record"] == "session"
    assert rows[0]["notes"] == "'" + NOTES  # formula-safe
    stored = storage.group_session_detail(session_id).decisions
    votes = [r for r in rows if r["record"] == "vote"]
    for d in stored:
        mine = [r for r in votes if r["step"] == str(d.seq)]
        assert {r["choice_id"]: int(r["votes"]) for r in mine if int(r["votes"])} == dict(d.votes)
        assert [r["choice_id"] for r in mine if r["chosen"] == "yes"] == [d.chosen_choice_id]
    walt = library.by_id("benefits-form")
    assert walt is not None
    assert votes[0]["choice"] == walt.node(walt.start).choices[0].text


def test_pdf(tmp_path: Path, storage: Storage, library: Library, session_id: int,
             qapp: object) -> None:
    out = export_group_session(storage, library, session_id, "pdf", tmp_path / "g.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    assert pdf_page_count(out) >= 1
    assert os.stat(out).st_mode & 0o777 == 0o600
    text = group_html(build_group_report(storage, library, session_id))
    assert "Asked about &lt;script&gt;." in text
    assert "<script" not in text
    assert "Followed by the group" in text


def test_missing_scenario_and_unknown_format(tmp_path: Path, storage: Storage,
                                             library: Library) -> None:
    session = storage.start_group_session("retired", "old")
    storage.record_group_decision(session.id, "n1", {"x": 2, "y": 1}, "y", False)
    report = build_group_report(storage, library, session.id)
    assert report.scenario_title == "retired"
    assert [(v.letter, v.choice_display, v.chosen) for v in report.decisions[0].votes] == \
        [("A", "[x]", False), ("B", "[y]", True)]
    with pytest.raises(ExportError, match="docx"):
        export_group_session(storage, library, session.id, "docx", tmp_path / "g.docx")


def test_the_ending_is_named_once(storage: Storage, library: Library) -> None:
    """A session that reached an ending names it on its own line, not in the path too."""
    walt = library.by_id("benefits-form")
    assert walt is not None
    session = storage.start_group_session(walt.id, walt.content_hash)
    node = walt.node(walt.start)
    while node.ending is None:
        if node.choices:
            storage.record_group_decision(session.id, node.id, {node.choices[0].id: 2},
                                          node.choices[0].id, False)
            node = walt.node(node.choices[0].next)
        else:
            assert node.next is not None
            node = walt.node(node.next)
    storage.finish_group_session(session.id, node.id)
    report = build_group_report(storage, library, session.id)
    assert report.ending_title == node.ending.title
    assert "ending" not in report.path_text.lower()
    html = group_html(report)
    assert html.count("Ending:") == 1
    assert html.count(node.ending.title.split()[0]) >= 1
