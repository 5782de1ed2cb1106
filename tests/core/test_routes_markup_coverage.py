"""Routes through a scenario, the Markdown subset, and the library coverage report."""

from __future__ import annotations

from pathlib import Path

from peerscenarios.core.coverage import coverage
from peerscenarios.core.library import load_library
from peerscenarios.core.markup import to_html, to_plain
from peerscenarios.core.routes import enumerate_routes
from peerscenarios.core.taxonomy import Role
from peerscenarios.core.validator import validate_bytes
from scenario_samples import VALID

BUILTIN = Path(__file__).resolve().parents[2] / "scenarios"


def test_routes_cover_every_choice() -> None:
    sc = validate_bytes(VALID.encode(), "s").scenario
    assert sc is not None
    routes = enumerate_routes(sc)
    assert [r.choice_ids for r in routes] == [("plan",), ("do-it",), ("tell-her",)]
    assert routes[0].roles == ((Role.PEER, 1),)
    assert routes[1].to_dict()["roles"] == {"case-management-drift": 1}
    assert all(r.ending == "end" for r in routes)
    assert len(enumerate_routes(sc, limit=2)) == 2


def test_markup_renders_subset_and_escapes_everything_else() -> None:
    html = to_html("Hello **Dana**, *welcome*.\nSecond line\n\n- one\n- two\n\n"
                   '<img src="http://x/y.png"> [link](http://x)')
    assert html.startswith("<p>Hello <b>Dana</b>, <i>welcome</i>. Second line</p>")
    assert "<ul><li>one</li><li>two</li></ul>" in html
    assert "<img" not in html
    assert "&lt;img src=&quot;http://x/y.png&quot;&gt;" in html
    assert "href" not in html
    assert to_plain("**a** and *b*") == "a and b"
    # Bold may span an author's soft line wrap.
    assert to_html("a **long\nphrase** here") == "<p>a <b>long phrase</b> here</p>"


def test_builtin_library_meets_the_coverage_targets() -> None:
    lib = load_library([], builtin=[BUILTIN])
    report = coverage(lib.scenarios)
    assert report.competency_gaps == []
    assert report.drift_gaps == []
    assert len(report.settings_used) >= 12
    text = report.to_text()
    assert "Gaps: none" in text
    assert report.to_dict()["drift_gaps"] == []


def test_coverage_reports_gaps() -> None:
    sc = validate_bytes(VALID.encode(), "s").scenario
    assert sc is not None
    report = coverage([sc])
    assert 2 in report.competency_gaps
    assert Role.CLINICAL in report.drift_gaps
    assert Role.SAFETY in report.drift_gaps
    assert report.settings_used == ["peer-center"]
    text = report.to_text()
    assert "<- below 3" in text
    assert "<- below 6" in text
    assert "1 setting(s) in use  <- below 12" in text
    assert report.to_dict()["settings"]["peer-center"] == ["test-scenario"]
