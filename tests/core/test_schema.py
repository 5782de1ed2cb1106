"""The JSON Schema ships with the app, describes exactly what the validator accepts, and helps.

An editor's YAML extension reads it for completion, hover help and checks,
so every property and every listed value carries a plain description, and on
the cases an author meets the schema and the validator agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from peerscenarios import paths
from peerscenarios.core import validator
from peerscenarios.core.diagnostics import Severity
from peerscenarios.core.scenario_schema import build_schema, schema_text
from peerscenarios.core.taxonomy import COMPETENCIES, POPULATIONS, SETTINGS, Role
from scenario_samples import VALID

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads(paths.scenario_schema_path().read_text(encoding="utf-8"))


def keys(obj: dict) -> tuple[str, ...]:
    return tuple(obj["properties"])


def test_the_schema_is_installed_with_the_package_and_shown_by_where(capsys) -> None:
    from peerscenarios.cli import main

    path = paths.scenario_schema_path()
    assert path.is_file()
    assert path.is_relative_to(Path(paths.__file__).parent)
    assert main(["where"]) == 0
    assert f"scenario schema:    {path}" in capsys.readouterr().out


def test_shipped_and_docs_copies_are_what_the_generator_builds() -> None:
    # After changing the taxonomy or the format, run: python -m peerscenarios.core.scenario_schema
    fix = "regenerate with: python -m peerscenarios.core.scenario_schema"
    assert paths.scenario_schema_path().read_text(encoding="utf-8") == schema_text(), fix
    docs = (ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8")
    assert docs == schema_text(), fix
    jsonschema.Draft202012Validator.check_schema(build_schema())


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
    assert SCHEMA["properties"]["setting"]["enum"] == list(SETTINGS)
    assert SCHEMA["properties"]["population"]["items"]["enum"] == list(POPULATIONS)
    assert SCHEMA["$defs"]["node"]["properties"]["order"]["enum"] == list(validator.ORDER_VALUES)
    assert SCHEMA["$defs"]["competency"]["enum"] == list(COMPETENCIES)


def _properties(schema: dict[str, Any], where: str = ""):
    for name, prop in schema.get("properties", {}).items():
        yield f"{where}{name}", prop
    for def_name, sub in schema.get("$defs", {}).items():
        yield from _properties(sub, f"{def_name}.")


def test_every_property_has_a_description_and_examples() -> None:
    seen = 0
    for name, prop in _properties(SCHEMA):
        seen += 1
        target = prop
        if "$ref" in prop:
            target = SCHEMA["$defs"][prop["$ref"].rsplit("/", 1)[1]]
        assert target.get("description"), name
        assert target.get("examples"), name
    assert seen == 44


def test_every_example_is_valid_where_it_is_shown() -> None:
    for name, prop in _properties(SCHEMA):
        target = prop
        if "$ref" in prop:
            target = SCHEMA["$defs"][prop["$ref"].rsplit("/", 1)[1]]
        check = jsonschema.Draft202012Validator({**target, "$defs": SCHEMA["$defs"]})
        for example in target["examples"]:
            assert list(check.iter_errors(example)) == [], (name, example)


@pytest.mark.parametrize("where", [
    ("$defs", "choice", "properties", "role"),
    ("properties", "setting"),
    ("properties", "population", "items"),
    ("$defs", "competency"),
    ("$defs", "node", "properties", "order"),
])
def test_every_listed_value_has_its_own_description(where: tuple[str, ...]) -> None:
    node: Any = SCHEMA
    for step in where:
        node = node[step]
    for field in ("enumDescriptions", "markdownEnumDescriptions"):
        assert len(node[field]) == len(node["enum"])
        assert all(text.strip() for text in node[field])
        assert len(set(node[field])) == len(node[field])  # not one text for every value


def test_the_new_scenario_snippet_is_a_starting_point() -> None:
    (snippet,) = SCHEMA["defaultSnippets"]
    body = snippet["body"]
    assert body["minutes"] == 6
    assert body["competencies"] == [1]  # valid values, not 0


# -- the schema and the validator agree ---------------------------------------------


def schema_errors(text: str) -> list[jsonschema.ValidationError]:
    # JSON keys are strings, as an editor's YAML engine sees them.
    data = json.loads(json.dumps(yaml.safe_load(text)))
    return list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))


def validator_diags(text: str):
    return validator.validate_bytes(text.encode(), "x.yaml").diagnostics


def test_valid_sample_and_built_ins_pass_the_schema() -> None:
    assert schema_errors(VALID) == []
    for f in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert schema_errors(f.read_text(encoding="utf-8")) == [], f.name


def test_a_number_as_text_is_accepted_by_both() -> None:
    text = VALID.replace('text: "Dana puts the letter away."', "text: 911")
    assert schema_errors(text) == []
    assert validator_diags(text) == []


def test_whitespace_only_text_is_refused_by_both() -> None:
    text = VALID.replace('title: "A test scenario"', 'title: "   "')
    assert schema_errors(text)
    assert [d.code for d in validator_diags(text)] == ["PS016"]


def test_a_competency_listed_twice_is_flagged_by_both() -> None:
    text = VALID.replace("competencies: [1, 6]", "competencies: [1, 6, 1]")
    assert [e.validator for e in schema_errors(text)] == ["uniqueItems"]
    (d,) = validator_diags(text)
    assert (d.code, d.severity) == ("PS007", Severity.WARNING)


def test_a_misspelt_role_is_not_also_a_missing_better() -> None:
    text = VALID.replace("role: peer-aligned", "role: peer-alligned")
    errors = schema_errors(text)
    assert [e.path[-1] for e in errors] == ["role"]


def test_next_and_ending_together_name_the_key_that_is_not_allowed() -> None:
    text = VALID.replace('    text: "A week later Dana stops by."\n',
                         '    text: "A week later Dana stops by."\n    next: start\n')
    (error,) = schema_errors(text)
    # An editor says "Property ending is not allowed", not "matches multiple schemas":
    # the rule that fires is 'if next, then no ending', on the ending itself.
    assert list(error.schema_path)[-2:] == ["then", "properties"]
    assert error.instance == {"title": "A week later", "debrief": "Going alongside leaves "
                              "the person with a skill of their own."}
    assert [d.code for d in validator_diags(text)] == ["PS023"]
