"""Projector typography: big enough for the back of the room, and a step always fits unscrolled."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from peerscenarios.app.group.flow import GroupFlow
from peerscenarios.app.group.stage_state import StageState, Step
from peerscenarios.core.model import Scenario
from peerscenarios.ui.present.stage import StageWidget, type_ladder
from peerscenarios.ui.present.theme import base_body_px


def _states(scenario: Scenario, *, reveal_all: bool = False) -> list[StageState]:
    flow = GroupFlow(scenario)
    out = [flow.stage_state()]
    while not flow.finished:
        if flow.current.step is Step.CHOICES:
            flow.set_votes(len(flow.current.node.choices) - 1, 3)
        flow.forward()
        if reveal_all and flow.current.step is Step.FEEDBACK:
            flow.set_revealed_all(True)
        out.append(flow.stage_state())
    return out


def _fits(stage: StageWidget) -> None:
    """Every visible child lies inside the stage: nothing is cut off, nothing scrolls."""
    for child in stage.findChildren(QWidget):
        if not child.isVisibleTo(stage):
            continue
        rect = child.geometry()
        rect.moveTo(child.mapTo(stage, child.rect().topLeft()))
        assert stage.rect().contains(rect), (type(child).__name__, rect, stage.rect())


@pytest.mark.parametrize(("size", "least_px"), [((1920, 1080), 40), ((3840, 2160), 80),
                                                ((1280, 720), 26)])
def test_an_ordinary_scenario_is_shown_at_full_projector_size(
        qtbot: QtBot, typical: Scenario, size: tuple[int, int], least_px: int) -> None:
    stage = StageWidget()
    qtbot.addWidget(stage)
    stage.resize(*size)
    for state in _states(typical):
        stage.show_state(state)
        assert stage.body_px >= least_px, state.step
        _fits(stage)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160)])
def test_long_text_and_six_choices_shrink_to_fit(qtbot: QtBot, crowded: Scenario,
                                                  size: tuple[int, int]) -> None:
    stage = StageWidget()
    qtbot.addWidget(stage)
    stage.resize(*size)
    smallest = type_ladder(base_body_px(*size))[-1]
    for state in _states(crowded, reveal_all=True):
        stage.show_state(state)
        _fits(stage)
        assert stage.body_px >= smallest
        if state.step is Step.CHOICES and len(state.choices) == 6:
            # Six long choices still read at over 3/4 of the full size.
            assert stage.body_px >= 0.77 * base_body_px(*size)


def test_type_ladder_scales_with_the_screen() -> None:
    assert base_body_px(1920, 1080) == 44
    assert base_body_px(3840, 2160) == 88
    assert base_body_px(1280, 720) == 29
    ladder = type_ladder(44, 1.25)
    assert ladder[0] == 55
    assert ladder == sorted(ladder, reverse=True)


def test_the_next_step_is_rendered_ahead_so_showing_it_renders_nothing(
        qtbot: QtBot, typical: Scenario) -> None:
    from peerscenarios.ui.present.audience import AudienceWindow

    window = AudienceWindow()
    qtbot.addWidget(window)
    window.resize(960, 540)
    flow = GroupFlow(typical)
    window.show_state(flow.stage_state())
    upcoming = flow.peek_forward()
    assert upcoming is not None
    window.prepare([upcoming])
    canvas = window.canvas
    qtbot.waitUntil(lambda: not canvas._upcoming and not canvas._ahead.isActive()
                    and not canvas._sync.isActive())
    assert canvas.renderer.state == flow.stage_state(), "the hidden renderer shows the screen"
    rendered: list[StageState] = []
    original = canvas._render

    def spy(state: StageState):  # type: ignore[no-untyped-def]
        rendered.append(state)
        return original(state)

    canvas._render = spy  # type: ignore[method-assign]
    flow.forward()
    window.show_state(flow.stage_state())
    assert rendered == []
    assert "How would you respond?" in window.visible_text()
