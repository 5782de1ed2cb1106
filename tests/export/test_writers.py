"""The three portfolio writers: what the files contain, their mode, and escaping."""

from __future__ import annotations

import csv
import dataclasses
import logging
import os
import re
import threading
from pathlib import Path

import pytest

from peerscenarios.app.exports import export_portfolio
from peerscenarios.app.views import build_portfolio
from peerscenarios.core.library import Library
from peerscenarios.core.reporting import Portfolio
from peerscenarios.export import write_csv, write_markdown, write_pdf
from peerscenarios.export.csvout import COLUMNS
from peerscenarios.export.pdf import portfolio_html
from peerscenarios.export.text import csv_cell, md_escape
from peerscenarios.storage import Storage

from ._helpers import FakeClock, first_prompts, pdf_page_count, play

SECRET = "My private reflection about Walt"
NASTY = '<img src="http://example.com/x.png"> [link](http://example.com) **bold**'


@pytest.fixture
def portfolio(storage: Storage, library: Library, clock: FakeClock) -> Portfolio:
    """Two finished attempts with choices (one stepped back) and reflections."""
    profile = storage.create_profile("Sam <Rivera>")
    walt = library.by_id("benefits-form")
    twenty = library.by_id("can-i-borrow-twenty")
    assert walt is not None
    assert twenty is not None
    prompts = first_prompts(walt, (1,))
    play(storage, walt, profile.id, picks=(1,), step_back_first=True, clock=clock,
         reflections={prompts[0]: f"{SECRET}.\nSecond line: {NASTY}"})
    clock.advance(days=2)
    formula_prompt = first_prompts(twenty)[0]
    play(storage, twenty, profile.id, clock=clock,
         reflections={formula_prompt: "=HYPERLINK(\"http://evil\",\"x\")"})
    return build_portfolio(storage, library, profile.id)


def _mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def test_markdown(tmp_path: Path, portfolio: Portfolio) -> None:
    out = write_markdown(portfolio, tmp_path / "p.md")
    text = out.read_text(encoding="utf-8")
    assert _mode(out) == 0o600
    assert text.startswith("# Learner portfolio: Sam \\<Rivera\\>\n")
    for heading in ("## Summary", "## Boundary profile", "## Attempts",
                    "### Attempt 1: Twenty-two pages", "#### Decisions", "#### Reflections"):
        assert f"\n{heading}\n" in text
    assert f"> {SECRET}." in text
    # Trainee text can never become an image, link or HTML tag in a Markdown viewer.
    assert not re.search(r"(?<!\\)<", text)  # every < is escaped
    assert not re.search(r"(?<!\\)\]\(", text)  # and no link syntax
    assert "\\<img src=\"http://example.com/x.png\"\\>" in text
    assert "Estimated practice time" in text
    assert "estimate" in text.lower()
    assert "(stepped back and tried another)" in text
    assert f"{portfolio.totals.abandoned} abandoned) |" in text  # the word attempts are shown with


def test_csv_rows_match_the_database(tmp_path: Path, portfolio: Portfolio,
                                     storage: Storage) -> None:
    out = write_csv(portfolio, tmp_path / "p.csv")
    assert _mode(out) == 0o600
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == COLUMNS
    assert [r["record"] for r in rows if r["record"] == "attempt"] == ["attempt", "attempt"]
    for entry in portfolio.attempts:
        detail = storage.attempt_detail(entry.id)
        mine = [r for r in rows if r["attempt"] == str(entry.number)]
        choices = [r for r in mine if r["record"] == "choice"]
        assert [(r["step"], r["node_id"], r["choice_id"], r["role"], r["stepped_back"])
                for r in choices] == [
            (str(c.seq), c.node_id, c.choice_id, c.role, "yes" if c.stepped_back else "no")
            for c in detail.choices]
        reflections = [r for r in mine if r["record"] == "reflection"]
        assert [r["prompt_id"] for r in reflections] == [x.prompt_id for x in detail.reflections]
    texts = [r["reflection"] for r in rows if r["record"] == "reflection"]
    assert texts[0] == f"{SECRET}.\nSecond line: {NASTY}"
    # The formula the trainee typed is shown as text, not run by the spreadsheet.
    assert texts[1] == "'=HYPERLINK(\"http://evil\",\"x\")"


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("plain", "plain"), ("a=b", "a=b"), (3, 3), ("", ""),
])
def test_csv_formula_injection_is_defused(value: object, expected: object) -> None:
    assert csv_cell(value) == expected


def test_md_escape_keeps_text_literal() -> None:
    assert md_escape("![x](y) <b>") == "!\\[x\\](y) \\<b\\>"
    assert md_escape("the whole way!") == "the whole way!"  # no stray backslash


def test_pdf(tmp_path: Path, portfolio: Portfolio, qapp: object) -> None:
    calls: list[tuple[int, int]] = []
    out = write_pdf(portfolio, tmp_path / "p.pdf", progress=lambda d, t: calls.append((d, t)))
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert _mode(out) == 0o600
    pages = pdf_page_count(out)
    assert pages >= 1
    assert calls[-1] == (pages, pages)


def test_pdf_letter_size(tmp_path: Path, portfolio: Portfolio, qapp: object) -> None:
    from peerscenarios.export import pdf

    out = pdf.write_pdf(portfolio, tmp_path / "p.pdf", page_size="Letter")
    assert re.search(rb"/MediaBox \[0 0 612(\.0+)? 792(\.0+)?\]", out.read_bytes())


def test_pdf_html_is_escaped_and_self_contained(portfolio: Portfolio) -> None:
    html_text = portfolio_html(portfolio)
    assert "Sam &lt;Rivera&gt;" in html_text
    assert SECRET in html_text
    assert "&lt;img src=&quot;http://example.com/x.png&quot;&gt;" in html_text
    assert "<img" not in html_text
    assert "href" not in html_text
    assert "Estimated practice time" in html_text


def test_every_format_through_export_portfolio(tmp_path: Path, storage: Storage,
                                               library: Library, portfolio: Portfolio,
                                               qapp: object,
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    folder = tmp_path / "exports"
    folder.mkdir()
    for fmt in ("pdf", "md", "csv"):
        calls: list[tuple[int, int]] = []
        out = export_portfolio(storage, library, portfolio.profile_id, fmt,
                               folder / f"out.{fmt}", progress=lambda d, t, c=calls: c.append((d, t)))
        assert out == (folder / f"out.{fmt}").absolute()
        assert _mode(out) == 0o600
        assert calls[-1] == (100, 100)
        assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert SECRET not in caplog.text  # reflections never go to the log
    assert sorted(p.name for p in folder.iterdir()) == ["out.csv", "out.md", "out.pdf"]


def test_pdf_export_on_a_worker_thread(tmp_path: Path, storage: Storage, library: Library,
                                       portfolio: Portfolio, qapp: object) -> None:
    # The History screen runs exports on a worker thread.
    result: list[object] = []

    def work() -> None:
        try:
            result.append(export_portfolio(storage, library, portfolio.profile_id, "pdf",
                                           tmp_path / "t.pdf"))
        except Exception as exc:  # handed to the main thread to fail the test there
            result.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert result == [(tmp_path / "t.pdf").absolute()]
    assert (tmp_path / "t.pdf").read_bytes().startswith(b"%PDF")


def test_private_mode_even_with_a_permissive_umask(tmp_path: Path,
                                                   portfolio: Portfolio) -> None:
    target = tmp_path / "p.md"
    target.write_text("older, world-readable")
    target.chmod(0o644)
    old = os.umask(0)
    try:
        write_markdown(portfolio, target)
    finally:
        os.umask(old)
    assert _mode(target) == 0o600
    assert target.read_text(encoding="utf-8").startswith("# Learner portfolio")


def test_unknown_format(tmp_path: Path, storage: Storage, library: Library,
                        portfolio: Portfolio) -> None:
    from peerscenarios.export import ExportError

    with pytest.raises(ExportError, match="docx"):
        export_portfolio(storage, library, portfolio.profile_id, "docx", tmp_path / "x.docx")


def test_markdown_lists_stay_one_list_past_decision_nine(tmp_path: Path,
                                                         portfolio: Portfolio) -> None:
    """From "10." on, a nested line needs four spaces: three ended the list there."""
    from markdown_it import MarkdownIt

    first = portfolio.attempts[0]
    one = first.decisions[0]
    many = tuple(dataclasses.replace(one, seq=n) for n in range(1, 13))
    long = dataclasses.replace(portfolio, attempts=(dataclasses.replace(first, decisions=many),))
    text = write_markdown(long, tmp_path / "long.md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").parse(text)
    ordered = [t for t in tokens if t.type == "ordered_list_open"]
    assert len(ordered) == 1  # one list for the twelve decisions
    start = tokens.index(ordered[0])
    end = next(i for i, t in enumerate(tokens) if t.type == "ordered_list_close")
    inside = tokens[start:end]
    items = sum(t.type == "list_item_open" and t.level == ordered[0].level + 1 for t in inside)
    nested = sum(t.type == "bullet_list_open" for t in inside)
    assert items == 12
    assert nested == 12  # role and feedback sit under every decision, the tenth too


def test_every_format_says_where_the_chosen_response_stood(
        tmp_path: Path, storage: Storage, library: Library) -> None:
    """Responses are shuffled per attempt; the record says where the chosen one was shown."""
    from peerscenarios.app.order import position_of, shown_choices

    profile = storage.create_profile("Ren")
    walt = library.by_id("benefits-form")
    assert walt is not None
    seed = 987654321
    attempt = storage.start_attempt(profile.id, walt.id, walt.content_hash, "practice",
                                    order_seed=seed)
    node = walt.node(walt.start)
    shown = shown_choices(node, seed)
    picked = shown[-1]  # the last one on screen
    storage.record_choice(attempt.id, node.id, picked.id, picked.role, picked.effects,
                          picked.feedback.why)
    place = f"response {position_of(node, seed, picked.id)} of {len(shown)}"
    assert place == f"response {len(shown)} of {len(shown)}"
    portfolio = build_portfolio(storage, library, profile.id)

    md = write_markdown(portfolio, tmp_path / "p.md").read_text(encoding="utf-8")
    assert f"({place} on screen)" in md
    assert f"{place} on screen" in portfolio_html(portfolio)
    with write_csv(portfolio, tmp_path / "p.csv").open(encoding="utf-8-sig", newline="") as fh:
        (choice,) = [r for r in csv.DictReader(fh) if r["record"] == "choice"]
    assert (choice["shown_position"], choice["shown_of"]) == (str(len(shown)), str(len(shown)))
