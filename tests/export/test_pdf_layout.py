"""The PDFs read well at every size: each written file is read back and measured.

A portfolio of 1, 3 and 40 attempts (step-backs, abandoned and unfinished
attempts, long reflections, a 300-character pasted link) and a group-session
record, on A4 and US Letter: no text under 8 pt, no line printed over
another, nothing off the page, tables that carry their header row onto every
page they continue on, no heading stranded at the foot of a page.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from peerscenarios.app.exports import export_group_session
from peerscenarios.app.views import build_portfolio
from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.core.reporting import Portfolio
from peerscenarios.export.pdf import write_pdf
from peerscenarios.storage import Storage

from ._helpers import FakeClock, first_prompts, play
from ._pdfread import Line, Page, PdfText, layout_problems, read_pdf

# A pasted link with no place to break: it must wrap, never run off the page.
TOKEN = "https://example.org/watch?v=" + "Ab3dEf6hIj9kLm2oPq5sTu8wXy" * 11
assert len(TOKEN) >= 300
LONG_REFLECTION = (
    "I noticed I wanted to fix it for her straight away. " * 9
    + "\n\nWhat helped was slowing down and asking what she wanted first. " * 4
    + f"\n\nThe article I mean is here: {TOKEN} and I want to read it again."
)
# Page boxes in points, portrait.
PAGE_BOXES = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}
SIZES = [1, 3, pytest.param(40, marks=pytest.mark.slow)]


def _partly(storage: Storage, scenario: Scenario, profile_id: int, *,
            abandon: bool) -> None:
    """An attempt left after its first decision: abandoned, or still in progress."""
    attempt = storage.start_attempt(profile_id, scenario.id, scenario.content_hash, "practice")
    node = scenario.node(scenario.start)
    while not node.choices:
        assert node.next is not None
        node = scenario.node(node.next)
    choice = node.choices[-1]
    storage.record_choice(attempt.id, node.id, choice.id, choice.role, choice.effects,
                          choice.feedback.why)
    if abandon:
        storage.abandon_attempt(attempt.id)


def seed_portfolio(storage: Storage, library: Library, clock: FakeClock,
                   attempts: int) -> Portfolio:
    """``attempts`` attempts, cycling: finished with a step-back and a long reflection
    (the first one holding the pasted link), abandoned, in progress, finished assessment."""
    profile = storage.create_profile("Sam Rivera")
    scenarios = sorted(library.scenarios, key=lambda s: s.id)
    for i in range(attempts):
        scenario = scenarios[i % len(scenarios)]
        kind = i % 4
        if kind == 0:
            picks = (i % 3, 1, 0)
            prompts = first_prompts(scenario, picks)
            text = LONG_REFLECTION if i == 0 else LONG_REFLECTION.replace(TOKEN, "the link")
            notes = {prompts[0]: text}
            notes.update({p: f"Short note {n} on attempt {i + 1}." for n, p in
                          enumerate(prompts[1:], 1)})
            play(storage, scenario, profile.id, picks=picks, step_back_first=True,
                 reflections=notes, clock=clock)
        elif kind in (1, 2):
            _partly(storage, scenario, profile.id, abandon=kind == 1)
        else:
            play(storage, scenario, profile.id, mode="assessment", picks=(2, 2, 1),
                 clock=clock)
        clock.advance(hours=5)
    return build_portfolio(storage, library, profile.id)


def _check_readable(pdf: PdfText, page_size: str) -> None:
    """The shared bar for every PDF the app writes."""
    assert pdf.pages, "the PDF has no pages"
    width, height = PAGE_BOXES[page_size]
    for page in pdf.pages:
        assert (page.width, page.height) == pytest.approx((width, height), abs=0.5)
    assert layout_problems(pdf) == []
    assert pdf.median_size >= 9.0, f"median text size {pdf.median_size:.1f} pt"
    sizes = sorted({round(line.size, 1) for p in pdf.pages for line in p.lines})
    # Headings in proportion: the largest text is a title, not a poster.
    assert sizes[-1] <= 2.2 * pdf.median_size, sizes
    total = len(pdf.pages)
    for page in pdf.pages:
        assert f"Page {page.number} of {total}" in page.text


def _headings(page: Page, body: float) -> list[Line]:
    return [ln for ln in page.lines if ln.size >= body * 1.1]


def _no_stranded_headings(pdf: PdfText) -> None:
    """Every heading has at least two lines of its own text below it on its page."""
    body = pdf.median_size
    for page in pdf.pages:
        # The running head and foot are small; body lines are what a heading introduces.
        content = [ln for ln in page.lines if ln.size >= body * 0.95]
        for heading in _headings(page, body):
            below = [ln for ln in content if ln.y1 < heading.y0 - 0.5]
            assert len(below) >= 2, (
                f"page {page.number}: heading {heading.text!r} is stranded at the foot")


def _flat(text: str) -> str:
    # NFKC: the PDF's text layer spells ligatures as one character ("ﬁ").
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("page_size", ["a4", "letter"])
@pytest.mark.parametrize("attempts", SIZES)
def test_portfolio_pdf_reads_well(tmp_path: Path, storage: Storage, library: Library,
                                  clock: FakeClock, qapp: object, attempts: int,
                                  page_size: str) -> None:
    portfolio = seed_portfolio(storage, library, clock, attempts)
    out = write_pdf(portfolio, tmp_path / "p.pdf", page_size=page_size)
    pdf = read_pdf(out)
    _check_readable(pdf, page_size)
    _no_stranded_headings(pdf)
    text = pdf.text
    for a in portfolio.attempts:
        assert f"Attempt {a.number}:" in text
    # The pasted link is all there, broken over lines but never cut or run off the page.
    assert _flat(TOKEN) in _flat(text)
    if attempts == 1:
        assert len(pdf.pages) >= 2  # a real page size: one attempt no longer fits on one page
    assert "stepped back" in text
    if attempts >= 3:
        assert "abandoned" in text
        assert "in_progress" in text or "in progress" in text
        # The summary counts them with the word each attempt is shown with ("stopped" once).
        t = portfolio.totals
        assert _flat(f"{t.abandoned} abandoned)") in _flat(text)
        assert "stopped" not in text


def test_long_table_repeats_its_header(tmp_path: Path, storage: Storage, library: Library,
                                       clock: FakeClock, qapp: object) -> None:
    # Forty step-backs at one decision give one attempt a table several pages long.
    profile = storage.create_profile("Robin")
    walt = library.by_id("benefits-form")
    assert walt is not None
    attempt = storage.start_attempt(profile.id, walt.id, walt.content_hash, "practice")
    node = walt.node(walt.start)
    while not node.choices:
        assert node.next is not None
        node = walt.node(node.next)
    for i in range(40):
        choice = node.choices[i % len(node.choices)]
        event = storage.record_choice(attempt.id, node.id, choice.id, choice.role,
                                      choice.effects, choice.feedback.why)
        storage.mark_stepped_back(event.id)
    portfolio = build_portfolio(storage, library, profile.id)
    pdf = read_pdf(write_pdf(portfolio, tmp_path / "p.pdf", page_size="a4"))
    _check_readable(pdf, "a4")
    table_pages = [p for p in pdf.pages if "Feedback shown" in p.text]
    assert len(table_pages) >= 3
    # On every page but the last, the table runs on: each continuation page opens
    # with the header row again, above the first row of the page.
    for page in pdf.pages[1:-1]:
        header = next((ln for ln in page.lines if ln.text.startswith("#")), None)
        assert header is not None, f"page {page.number} has no table header"
        rows = [ln for ln in page.lines if re.match(r"\d+ ", ln.text)]
        assert rows
        assert header.y0 > max(r.y1 for r in rows) - 0.5
        # No row is cut in two by a page break: under the header, the first line of
        # the left columns opens a row ("12 Sorry, Walt, ..."), not the rest of one.
        role = next(ln for ln in page.lines if ln.text == "Role")
        left = [ln for ln in page.lines if ln.y1 < header.y0 and ln.x0 < role.x0 - 1]
        assert re.match(r"\d+ ", left[0].text), f"page {page.number} opens mid-row"


@pytest.fixture
def group_session(storage: Storage, library: Library) -> int:
    """A finished group run with every decision voted and long notes with a pasted link."""
    scenario = library.by_id("she-calls-most-nights")
    assert scenario is not None
    session = storage.start_group_session(scenario.id, scenario.content_hash)
    node = scenario.node(scenario.start)
    step = 0
    while node.ending is None:
        if node.choices:
            votes = {c.id: (3 * step + 2 * k) % 7 for k, c in enumerate(node.choices)}
            chosen = node.choices[step % len(node.choices)]
            storage.record_group_decision(session.id, node.id, votes, chosen.id, step % 2 == 0)
            node = scenario.node(chosen.next)
            step += 1
        else:
            assert node.next is not None
            node = scenario.node(node.next)
    storage.set_group_notes(session.id, "The room split on the second decision. " * 12
                            + f"\nResource shared: {TOKEN}")
    storage.finish_group_session(session.id, node.id)
    return session.id


@pytest.mark.parametrize("page_size", ["a4", "letter"])
def test_group_session_pdf_reads_well(tmp_path: Path, storage: Storage, library: Library,
                                      group_session: int, qapp: object,
                                      page_size: str) -> None:
    out = export_group_session(storage, library, group_session, "pdf", tmp_path / "g.pdf",
                               page_size=page_size)
    pdf = read_pdf(out)
    _check_readable(pdf, page_size)
    _no_stranded_headings(pdf)
    text = pdf.text
    assert "Followed by the group" in text
    assert "Facilitator notes" in text
    assert _flat(TOKEN) in _flat(text)
