"""A phone in a real browser: Debian's Chromium, headless, phone-sized, driven by Playwright.

The browser is the system's ``/usr/bin/chromium`` (``.ci/run`` installs it);
Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Request, expect, sync_playwright
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from peerscenarios.core.markup import to_plain
from peerscenarios.core.model import Scenario
from peerscenarios.phones.app import Limits
from peerscenarios.phones.server import PhoneServer
from peerscenarios.storage import Storage
from peerscenarios.ui.present import start_presentation
from peerscenarios.ui.present.screens import PresentSettings

from .helpers import OFFSCREEN_NOISE, FakeScreens

pytestmark = [OFFSCREEN_NOISE, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}


def _plain(text: str) -> str:
    return " ".join(to_plain(text).split())


def test_a_phone_in_a_real_browser_votes_and_the_presenter_counts_it(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    assert CHROMIUM.is_file(), "install Debian's chromium (apt-get install chromium)"
    p = start_presentation(None, crowded, storage, screens=two_screens, settings=settings,
                           phones="127.0.0.1")
    qtbot.addWidget(p)
    qtbot.addWidget(p.audience)
    url = p.phones.bridge.url
    origin = url.split("/j/")[0]
    requested: list[str] = []
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    def on_request(request: Request) -> None:
        requested.append(request.url)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(**PHONE).new_page()
            page.on("console", on_console)
            page.on("request", on_request)
            page.goto(url)
            status = page.get_by_role("status")
            expect(status).to_have_text(
                "You are connected. Wait for the facilitator to open a vote.")
            qtbot.waitUntil(lambda: p.phones.counts.text() == "1 phone joined / 0 votes")

            # The presenter shows the choices: the page hears it and offers one button each,
            # with the projector's letters and texts in the projector's order.
            qtbot.keyClick(p, Qt.Key.Key_PageDown)
            buttons = page.get_by_role("button")
            expect(buttons).to_have_count(3)
            node = crowded.node("long-node")
            expected = [f"{c.letter} {_plain(ch.text)}" for c, ch in
                        zip(p.controller.stage_state().choices, node.choices, strict=True)]
            assert [" ".join(t.split()) for t in buttons.all_inner_texts()] == expected
            expect(status).to_have_text("Votes are open: 3 responses. Tap one.")

            # One tap votes; the presenter's count rises.
            visit = p.controller.flow.current.visit
            assert visit is not None
            page.get_by_role("button", name=re.compile(r"^B ")).tap()
            expect(status).to_have_text("Your vote: B. You can change it until votes close.")
            expect(page.get_by_role("button", name=re.compile(r"^B "))).to_have_attribute(
                "aria-pressed", "true")
            qtbot.waitUntil(lambda: visit.votes == [0, 1, 0])
            # The phone changes its vote; a hand counted with a letter key adds to it.
            page.get_by_role("button", name=re.compile(r"^A ")).tap()
            expect(status).to_have_text("Your vote: A. You can change it until votes close.")
            qtbot.waitUntil(lambda: visit.votes == [1, 0, 0])
            qtbot.keyClick(p, Qt.Key.Key_A)
            assert visit.votes == [2, 0, 0]
            qtbot.waitUntil(lambda: p.phones.counts.text() == "1 phone joined / 1 vote")

            # Tally, then feedback: votes close on the phone; no feedback ever reaches it.
            qtbot.keyClick(p, Qt.Key.Key_PageDown)
            qtbot.keyClick(p, Qt.Key.Key_PageDown)
            expect(status).to_have_text("Votes closed. Your vote was A.")
            expect(buttons).to_have_count(0)
            shown = page.locator("body").inner_text()
            for choice in node.choices:
                assert _plain(choice.feedback.why) not in shown
            assert "SECRET" not in page.content()

            # The session ends: the page says so, and the server is gone.
            assert p.request_leave()
            expect(status).to_have_text(
                "The session has ended. Thank you. You can close this page.")
        finally:
            browser.close()
    assert not p.phones.running
    assert requested
    assert all(u.startswith(origin + "/") for u in requested), requested
    assert problems == []


def test_without_live_events_the_page_polls_and_still_follows_the_vote() -> None:
    # No room for event streams at all: the page must learn everything by polling.
    server = PhoneServer(limits=Limits(streams=0))
    url = server.start("127.0.0.1")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS)
            try:
                page = browser.new_context(**PHONE).new_page()
                page.goto(url)
                status = page.get_by_role("status")
                expect(status).to_have_text(
                    "You are connected. Wait for the facilitator to open a vote.")
                server.open_question("q1", [("A", "Ask what she wants"),
                                            ("B", "Tell her to wait a term")])
                page.get_by_role("button", name="B Tell her to wait a term").tap(timeout=10_000)
                expect(status).to_have_text(
                    "Your vote: B. You can change it until votes close.")
                assert server.tally().count("B") == 1
                server.close_question()
                expect(status).to_have_text("Votes closed. Your vote was B.", timeout=10_000)
            finally:
                browser.close()
    finally:
        server.end()
