"""The audience view never holds presenter notes, discussion questions or anyone's personal data."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from peerscenarios.app.group.stage_state import StageState, Step
from peerscenarios.core.model import Scenario
from peerscenarios.storage import Storage
from peerscenarios.ui.present import start_presentation
from peerscenarios.ui.present.audience import AudienceWindow
from peerscenarios.ui.present.screens import PresentSettings

from .helpers import OFFSCREEN_NOISE, FakeScreens, widget_texts

pytestmark = OFFSCREEN_NOISE

SECRETS = ("Zelda Private", "SECRET-FACILITATOR-NOTE", "SECRET-DISCUSSION-QUESTION",
           "Zelda said")


def test_no_private_text_reaches_the_audience_at_any_step(
        qtbot: QtBot, crowded: Scenario, storage: Storage, two_screens: FakeScreens,
        settings: PresentSettings) -> None:
    profile = storage.create_profile("Zelda Private")
    attempt = storage.start_attempt(profile.id, crowded.id, crowded.content_hash, "practice")
    storage.save_reflection(attempt.id, "r1", "Zelda Private's own reflection")
    p = start_presentation(None, crowded, storage, screens=two_screens, settings=settings)
    qtbot.addWidget(p)
    qtbot.addWidget(p.audience)
    qtbot.keyClicks(p.session_notes.editor, "Zelda said something brave")
    p.controller.set_timer_shown(True)
    # The presenter does see its own notes (so the check below is not vacuous).
    assert "SECRET-FACILITATOR-NOTE" in widget_texts(p)
    steps = 0
    while True:
        flow = p.controller.flow
        if flow.current.step is Step.CHOICES:
            qtbot.keyClick(p, Qt.Key.Key_A)
        if flow.current.step is Step.FEEDBACK:
            qtbot.keyClick(p, Qt.Key.Key_R)
        seen = widget_texts(p.audience) + "\n" + p.audience.visible_text()
        for secret in SECRETS:
            assert secret not in seen, (secret, flow.current.step)
        assert "Zelda" not in repr(p.audience.canvas.state)
        steps += 1
        if flow.finished:
            break
        qtbot.keyClick(p, Qt.Key.Key_PageDown)
    assert steps == 9


def test_the_audience_window_only_takes_audience_safe_types() -> None:
    hints = {name: getattr(AudienceWindow, name).__annotations__
             for name in ("show_state", "prepare", "set_timer", "set_blank", "set_theme")}
    flat = " ".join(str(v) for h in hints.values() for v in h.values())
    for word in ("Node", "Scenario", "Storage", "Controller", "Flow", "str"):
        assert word not in flat.replace("StageState", "").replace("None", ""), word
    fields = {f.name for f in dataclasses.fields(StageState)}
    assert not fields & {"notes", "discuss", "facilitator", "profile", "reflections", "history"}
