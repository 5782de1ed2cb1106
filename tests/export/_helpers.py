"""Helpers for export tests: a fake clock, and playing real scenarios into the database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from peerscenarios.core.model import Scenario
from peerscenarios.storage import AttemptRecord, Storage


class FakeClock:
    """A controllable clock, starting on a fixed Monday noon UTC."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def play(storage: Storage, scenario: Scenario, profile_id: int, *,
         picks: Sequence[int] = (), mode: str = "practice", step_back_first: bool = False,
         reflections: dict[str, str] | None = None, finish: bool = True,
         clock: FakeClock | None = None) -> AttemptRecord:
    """Play ``scenario`` from its start, picking choice ``picks[i]`` at the i-th decision
    (0 when picks run out), saving ``reflections`` for prompts met on the way."""
    attempt = storage.start_attempt(profile_id, scenario.id, scenario.content_hash, mode)
    node = scenario.node(scenario.start)
    decision = 0
    reflections = reflections or {}
    while True:
        for prompt in node.reflect:
            if prompt.id in reflections:
                storage.save_reflection(attempt.id, prompt.id, reflections[prompt.id])
        if node.ending is not None:
            break
        if node.choices:
            pick = picks[decision] if decision < len(picks) else 0
            choice = node.choices[pick % len(node.choices)]
            if step_back_first and decision == 0 and mode == "practice":
                other = node.choices[(pick + 1) % len(node.choices)]
                event = storage.record_choice(attempt.id, node.id, other.id, other.role,
                                              other.effects, other.feedback.why)
                storage.mark_stepped_back(event.id)
            storage.record_choice(attempt.id, node.id, choice.id, choice.role, choice.effects,
                                  choice.feedback.why)
            if clock is not None:
                clock.advance(minutes=1)
            decision += 1
            node = scenario.node(choice.next)
        else:
            assert node.next is not None
            node = scenario.node(node.next)
    if finish:
        return storage.finish_attempt(attempt.id, node.id)
    return attempt


def first_prompts(scenario: Scenario, picks: Sequence[int] = ()) -> list[str]:
    """Ids of the reflection prompts met along the path ``play`` would take."""
    out: list[str] = []
    node = scenario.node(scenario.start)
    decision = 0
    while True:
        out += [p.id for p in node.reflect]
        if node.ending is not None:
            return out
        if node.choices:
            pick = picks[decision] if decision < len(picks) else 0
            node = scenario.node(node.choices[pick % len(node.choices)].next)
            decision += 1
        else:
            assert node.next is not None
            node = scenario.node(node.next)


def pdf_page_count(path: Path) -> int:
    """Pages in a PDF written by Qt (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))
