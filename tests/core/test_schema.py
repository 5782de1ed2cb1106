"""The published JSON Schema must describe exactly the keys the validator accepts."""

from __future__ import annotations

import json
from pathlib import Path

from peerscenarios.core import validator
from peerscenarios.core.taxonomy import Role

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "scenario.schema.json").read_text())


def keys(obj: dict) -> tuple[str, ...]:
    return tuple(obj["properties"])


def test_schema_keys_match_the_validator() -> None:
    d = SCHEMA["$defs"]
    assert set(keys(SCHEMA)) == set(validator.SCENARIO_KEYS)
    assert set(SCHEMA["required"]) == set(validator.SCENARIO_REQUIRED)
    assert set(keys(d["node"])) == set(validator.NODE_KEYS)
    assert set(keys(d["choice"])) == set(validator.CHOICE_KEYS)
    assert set(keys(d["line"])) == set(validator.LINE_KEYS)
    assert set(keys(d["feedback"])) == set(validator.FEEDBACK_KEYS)
    assert set(keys(d["ending"])) == set(validator.ENDING_KEYS)
    assert set(keys(d["prompt"])) == set(validator.PROMPT_KEYS)
    assert set(keys(d["facilitator"])) == set(validator.FACILITATOR_KEYS)
    assert d["choice"]["properties"]["role"]["enum"] == [r.value for r in Role]


def test_schema_lists_match_the_taxonomy() -> None:
    from peerscenarios.core.taxonomy import POPULATIONS, SETTINGS

    assert SCHEMA["properties"]["setting"]["enum"] == list(SETTINGS)
    assert SCHEMA["properties"]["population"]["items"]["enum"] == list(POPULATIONS)
    assert SCHEMA["$defs"]["node"]["properties"]["order"]["enum"] == list(validator.ORDER_VALUES)
