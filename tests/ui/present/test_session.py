"""A whole group session through the presenter's keys, with a projector that comes and goes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from peerscenarios.app.group.stage_state import Step
from peerscenarios.core.markup import to_plain
from peerscenarios.core.model import Scenario
from peerscenarios.storage import Storage
from peerscenarios.ui.present import start_presentation
from peerscenarios.ui.present.dialogs import ExportPathDialog
from peerscenarios.ui.present.presenter import PresenterWindow
from peerscenarios.ui.present.screens import Placement, PresentSettings

from .helpers import OFFSCREEN_NOISE, FakeScreen, FakeScreens

pytestmark = OFFSCREEN_NOISE

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _open(qtbot: QtBot, scenario: Scenario, storage: Storage, screens: FakeScreens,
          settings: PresentSettings) -> PresenterWindow:
    presenter = start_presentation(None, scenario, storage, screens=screens, settings=settings)
    qtbot.addWidget(presenter)
    qtbot.addWidget(presenter.audience)
    return presenter


def _whys(scenario: Scenario, node_id: str) -> list[str]:
    return [" ".join(to_plain(c.feedback.why).split())
            for c in scenario.node(node_id).choices]


def _audience(presenter: PresenterWindow) -> str:
    return " ".join(presenter.audience.visible_text().split())


def test_whole_session_by_keys_with_the_projector_unplugged_and_back(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        projector: FakeScreen, settings: PresentSettings, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    p = _open(qtbot, crowded, storage, two_screens, settings)
    audience = p.audience
    # The audience view covers the projector, frameless; the presenter stays on the laptop.
    assert p.screens.placement is Placement.PROJECTOR
    assert audience.isVisible()
    assert audience.geometry() == projector.geometry()
    assert audience.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert "Marisol" in _audience(p)
    whys = _whys(crowded, "long-node")

    # Situation -> choices: lettered, role tags and feedback hidden.
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    text = _audience(p)
    assert p.controller.flow.current.step is Step.CHOICES
    assert "How would you respond?" in text
    assert "Peer-aligned" not in text
    assert "drift" not in text.lower()
    assert not any(w in text for w in whys)

    # Votes by letter keys, Shift+letter to take one away, and typed into a spin box.
    for _ in range(5):
        qtbot.keyClick(p, Qt.Key.Key_A)
    for _ in range(3):
        qtbot.keyClick(p, Qt.Key.Key_B)
    qtbot.keyClick(p, Qt.Key.Key_B, SHIFT)
    spin = p.decision.rows[2][1]
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "4")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Escape)  # leaves the box, not the session
    assert p.isVisible()
    visit = p.controller.flow.current.visit
    assert visit is not None
    assert visit.votes == [5, 2, 4]
    assert p.decision.path.currentText() == "Majority: A"

    # Tally (Space), then the feedback for the chosen response only (Right).
    qtbot.keyClick(p, Qt.Key.Key_Space)
    text = _audience(p)
    assert "A: 5; B: 2; C: 4" in text
    assert not any(w in text for w in whys)
    qtbot.keyClick(p, Qt.Key.Key_Right)
    text = _audience(p)
    assert whys[0] in text
    assert "Peer-aligned" in text
    assert whys[1] not in text
    assert whys[2] not in text

    # The projector is unplugged mid-session: a window on the laptop, same step, same state.
    before = _audience(p)
    two_screens.unplug(projector)
    assert p.screens.placement is Placement.WINDOW
    assert audience.isVisible()
    assert not audience.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert _audience(p) == before
    assert "disconnected" in p.status.text()

    # ...and plugged back in: a prompt in the presenter view, not a modal dialog.
    replugged = FakeScreen("HDMI-1 Projector", projector.geometry())
    two_screens.plug(replugged)
    assert p.prompt.isVisible()
    qtbot.mouseClick(p.prompt.move_button, Qt.MouseButton.LeftButton)
    assert p.screens.placement is Placement.PROJECTOR
    assert audience.geometry() == replugged.geometry()
    assert _audience(p) == before

    # Reveal all (R), then move on: the first decision is recorded.
    qtbot.keyClick(p, Qt.Key.Key_R)
    assert all(w in _audience(p) for w in whys)
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    detail = storage.group_session_detail(p.controller.session_id or 0)
    assert len(detail.decisions) == 1
    assert dict(detail.decisions[0].votes) == {"ask-what-she-wants": 5, "my-family-story": 2,
                                               "go-home": 4}
    assert detail.decisions[0].chosen_choice_id == "ask-what-she-wants"
    assert detail.decisions[0].revealed_all

    # Live notes, saved after a pause in typing.
    qtbot.keyClicks(p.session_notes.editor, "Lots of talk about family pressure.")
    with qtbot.waitSignal(p.controller.notes_saved, timeout=3000):
        pass

    # Decision 2, six choices: a tie needs the presenter's pick.
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    assert p.controller.flow.current.step is Step.CHOICES
    qtbot.keyClick(p, Qt.Key.Key_C)
    qtbot.keyClick(p, Qt.Key.Key_F)
    qtbot.keyClick(p, Qt.Key.Key_PageDown)  # tally
    qtbot.keyClick(p, Qt.Key.Key_PageDown)  # blocked
    assert p.controller.flow.current.step is Step.TALLY
    assert "tied (C, F)" in p.status.text()
    assert not p.next_button.isEnabled()
    p.decision.path.activated.emit(p.decision.path.findData("keep-secret"))
    assert p.next_button.isEnabled()
    qtbot.keyClick(p, Qt.Key.Key_PageDown)
    six = _whys(crowded, "six-choices")
    text = _audience(p)
    assert six[5] in text
    assert not any(w in text for w in six[:5])

    # Back and forward again (clicker keys) do not change what was decided.
    qtbot.keyClick(p, Qt.Key.Key_PageUp)
    qtbot.keyClick(p, Qt.Key.Key_Left)
    assert p.controller.flow.current.step is Step.CHOICES
    qtbot.keyClick(p, Qt.Key.Key_Right)
    qtbot.keyClick(p, Qt.Key.Key_Right)
    qtbot.keyClick(p, Qt.Key.Key_PageDown)  # to the ending
    assert p.controller.flow.current.step is Step.ENDING
    assert "Someone else's plan" in _audience(p)
    assert p.end_panel.isVisible()

    detail = storage.group_session_detail(p.controller.session_id or 0)
    assert detail.session.finished_at is not None
    assert detail.session.ending_node_id == "end-mixed"
    assert detail.session.notes == "Lots of talk about family pressure."
    assert [d.node_id for d in detail.decisions] == ["long-node", "six-choices"]
    assert dict(detail.decisions[1].votes)["call-manager"] == 1
    assert dict(detail.decisions[1].votes)["keep-secret"] == 1
    assert detail.decisions[1].chosen_choice_id == "keep-secret"
    assert not detail.decisions[1].revealed_all
    assert [s.id for s in storage.list_group_sessions()] == [detail.session.id]

    # The record exports as CSV and PDF, and says what happened.
    out_csv = tmp_path / "record.csv"
    out_pdf = tmp_path / "record.pdf"
    monkeypatch.setattr(ExportPathDialog, "ask", classmethod(lambda cls, *a: out_csv))
    qtbot.mouseClick(p.end_panel.csv, Qt.MouseButton.LeftButton)
    assert "Saved" in p.end_panel.result.text()
    rows = list(csv.reader(out_csv.open(encoding="utf-8-sig")))
    flat = "\n".join(",".join(r) for r in rows)
    assert "keep-secret" in flat or "our secret" in flat
    assert "crowded-room" in flat or "A crowded room" in flat
    monkeypatch.setattr(ExportPathDialog, "ask", classmethod(lambda cls, *a: out_pdf))
    qtbot.mouseClick(p.end_panel.pdf, Qt.MouseButton.LeftButton)
    assert out_pdf.read_bytes().startswith(b"%PDF")
