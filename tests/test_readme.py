"""The README's two commands stay true: CI runs the test command exactly as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _command_after(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(heading)
    block = re.search(r"```\n(.+?)\n```", text[start:], re.S)
    assert block is not None, f"no command block after {heading!r}"
    return block.group(1).strip()


def test_ci_runs_the_readme_test_command_exactly() -> None:
    command = _command_after("**Run the tests**")
    assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert command.endswith("python3 -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"bash -c '{command}'" in ci


def test_the_app_command_installs_into_a_venv_and_starts_the_app() -> None:
    command = _command_after("**Run the app**")
    assert command == ("python3 -m venv .venv && . .venv/bin/activate && "
                       "python3 -m pip install . && peerscenarios")
