"""A facilitator can trust the room's view: shuffled letters, help off the projector, plain text."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from peerscenarios.app.group.stage_state import Step
from peerscenarios.app.order import shown_choices
from peerscenarios.app.views import build_group_report
from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.core.taxonomy import Role
from peerscenarios.storage import Storage
from peerscenarios.ui.present import start_presentation
from peerscenarios.ui.present.presenter import PresenterWindow
from peerscenarios.ui.present.screens import PresentSettings

from .helpers import OFFSCREEN_NOISE, FakeScreens

pytestmark = OFFSCREEN_NOISE


def _open(qtbot: QtBot, scenario: Scenario, storage: Storage, screens: FakeScreens,
          settings: PresentSettings) -> PresenterWindow:
    p = start_presentation(None, scenario, storage, screens=screens, settings=settings)
    qtbot.addWidget(p)
    qtbot.addWidget(p.audience)
    return p


def _audience(p: PresenterWindow) -> str:
    return " ".join(p.audience.visible_text().split())


@pytest.mark.shuffled
def test_letters_follow_the_shuffled_order_on_screen_keys_and_record(
        qtbot: QtBot, typical: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    # A session seed under which the peer-aligned response is not "A" (the file lists it
    # first), so the test shows the letters really follow the shuffle.
    first = next(n for n in typical.iter_nodes() if n.choices)
    peer = next(c.id for c in first.choices if c.role is Role.PEER)
    seed = next(s for s in range(1, 200) if shown_choices(first, s)[0].id != peer)
    from peerscenarios.ui.present import controller

    monkeypatch.setattr(controller, "new_seed", lambda: seed)
    p = _open(qtbot, typical, storage, two_screens, settings)
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    visit = p.controller.flow.current.visit
    assert visit is not None
    assert visit.node_id == first.id
    node = first
    index = visit.choice_ids.index(peer)
    assert index != 0
    key_letter = "ABCDEFGHI"[index]
    assert p.controller.flow.order_seed is not None
    # The projector shows the responses in that order, lettered A, B, C...
    shown = p.controller.flow.stage_state().choices
    assert [c.letter for c in shown] == list("ABCDEFGHI"[:len(shown)])
    assert node.choice(peer).text.split()[0] in re.sub("<[^>]+>", "", shown[index].text_html)
    # The letter key counts a hand for the response that carries that letter on screen.
    qtbot.keyClick(p, getattr(Qt.Key, f"Key_{key_letter}"))
    assert visit.votes[index] == 1
    assert visit.vote_map()[peer] == 1
    qtbot.keyClick(p, Qt.Key.Key_PageDown)  # tally
    qtbot.keyClick(p, Qt.Key.Key_PageDown)  # feedback
    assert f"The group chose {key_letter}" in _audience(p)
    qtbot.keyClick(p, Qt.Key.Key_PageDown)  # moves on: the decision is recorded
    # The record letters the responses as the room saw them.
    report = build_group_report(storage, Library(scenarios=(typical,)),
                                p.controller.session_id or 0)
    first = report.decisions[0]
    assert [v.choice_id for v in first.votes][:len(visit.choice_ids)] == list(visit.choice_ids)
    assert first.chosen is not None
    assert first.chosen.letter == key_letter
    assert report.path_text.startswith(f"1{key_letter}")


def test_keys_help_never_covers_the_audience_view_on_one_screen(
        qtbot: QtBot, typical: Scenario, storage: Storage, one_screen: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, typical, storage, one_screen, settings)
    qtbot.keyClick(p, Qt.Key.Key_S)
    assert p.screens.showing_here
    qtbot.keyClick(p.audience, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    # The presenter view came back first; the sheet sits over it, not over the room's view.
    assert not p.screens.showing_here
    assert p._cheat_sheet is not None
    assert p._cheat_sheet.isVisible()
    assert not p.audience.isVisible()


def test_presenter_shows_no_node_ids_no_doubled_stops_and_names_the_app_once(
        qtbot: QtBot, typical: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    p = _open(qtbot, typical, storage, two_screens, settings)
    assert p.windowTitle() == f"Presenting: {typical.title}"
    seen: list[str] = []
    for _ in range(6):
        seen.append(p.step_label.text())
        seen.append(p.next_label.text())
        if p.controller.flow.current.step is Step.TALLY:
            qtbot.keyClick(p, Qt.Key.Key_A)
        qtbot.keyClick(p, Qt.Key.Key_PageDown)
    text = " ".join(seen)
    for node_id in typical.nodes:
        assert f"“{node_id}”" not in text
        assert f"node {node_id}" not in text
    assert not re.search(r"[.!?…][’”]\.", text)
    assert "Next:" in text
