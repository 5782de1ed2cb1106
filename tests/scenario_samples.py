"""Scenarios for tests: a small valid one that core tests mutate, and a file loader."""

from __future__ import annotations

from pathlib import Path

from peerscenarios.core.library import check_file
from peerscenarios.core.model import Scenario

# Scenario files written for the tests (a crowded room, long texts...).
SCENARIO_FIXTURES = Path(__file__).resolve().parent / "ui" / "present" / "fixtures"


def load_scenario(path: Path) -> Scenario:
    """A scenario from a file (fails the test if it does not load)."""
    loaded = check_file(path, with_lint=False)
    assert loaded.scenario is not None, [d.format() for d in loaded.diagnostics]
    return loaded.scenario


VALID = """\
format: 1
id: test-scenario
title: "A test scenario"
summary: "Dana asks for help with a phone call."
minutes: 6
setting: peer-center
competencies: [1, 6]
tags: [test]
content_warnings: []
version: "1.0"
nodes:
  - id: start
    text: |
      You meet **Dana** at the drop-in.
    lines:
      - speaker: Dana
        text: "Can you call my landlord for me?"
    facilitator:
      notes: "Doing-for is the pull."
      discuss: ["What would Dana gain from calling herself?"]
    choices:
      - id: plan
        text: "Want to plan what you'd say? I'll sit with you while you call."
        role: peer-aligned
        competencies: {1: 1, 6: 2}
        feedback:
          why: "You offer to go alongside, so Dana keeps the call and the confidence it builds."
        next: calls
      - id: do-it
        text: "Give me the number, I'll sort it out."
        role: case-management-drift
        competencies: {6: -1}
        feedback:
          why: "Making the call for her is the case manager's move and leaves her no stronger."
          better: "Offer to sit with her while she calls."
        next: waits
      - id: tell-her
        text: "You have to call him today, you know that, right? Or you'll lose the flat."
        role: directive-drift
        feedback:
          why: "Telling her what she must do, with a threat attached, is directive pressure."
          better: "Ask what she wants to happen and what would help her make the call."
        next: waits
    reflect:
      - id: r-doing-for
        prompt: "When have you felt the pull to do something for someone?"
  - id: calls
    text: "Dana makes the call. Her voice shakes, then steadies."
    next: end
  - id: waits
    text: "Dana puts the letter away."
    next: end
  - id: end
    text: "A week later Dana stops by."
    ending:
      title: "A week later"
      debrief: "Going alongside leaves the person with a skill of their own."
    reflect:
      - id: r-end
        prompt: "What would you say next time?"
"""
