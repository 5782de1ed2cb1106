"""The JSON Schema of the scenario format, built from the same lists the validator uses.

Editors with a YAML extension (VS Code's, for one) read it to offer completion,
hover help and checks while an author types. It is generated, never edited by
hand: ``python -m peerscenarios.core.scenario_schema`` writes the copy that
ships inside the package (``paths.scenario_schema_path()``) and the one in
docs/; a test keeps both equal to what this module builds.

Where JSON Schema cannot say what the validator checks (YAML 1.1 traps, the
story graph, the language lint), the validator has the last word; where both
can, they agree: blank text is refused, a number is accepted as text (YAML
keeps the digits), a competency listed twice is flagged.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from peerscenarios.core.model import FORMAT_VERSION
from peerscenarios.core.taxonomy import (
    COMPETENCIES,
    EFFECT_MAX,
    EFFECT_MIN,
    POPULATIONS,
    ROLE_INFO,
    SETTINGS,
    Role,
)
from peerscenarios.core.validate.keys import ID_RE, ORDER_VALUES

Schema = dict[str, Any]

# Text must have something besides spaces; YAML reads 911 as a number, and the
# validator keeps its digits as text, so a whole number is accepted too.
_TEXT: Schema = {"anyOf": [{"type": "string", "pattern": r"\S"}, {"type": "integer"}]}
# ID_RE caps an id at 64 already; maxLength lets an editor say "too long" rather than
# "does not match the pattern".
_ID: Schema = {"type": "string", "pattern": ID_RE.pattern, "maxLength": 64}
_ALLOW: Schema = {
    "type": "array", "items": {"type": "string", "pattern": r"\S"},
    "description": "Words the language check accepts here, because a character says them on "
                   "purpose (for example a slur someone uses about themselves).",
    "examples": [["junkie"]],
}
_DRIFTS = [r.value for r in Role if r.is_drift]
# Small, valid pieces of a scenario, shown by an editor as examples on hover.
_LINE_EXAMPLE: Schema = {"speaker": "Keisha", "text": "Can you just call him for me?"}
_PROMPT_EXAMPLE: Schema = {"id": "reflect-doing-for",
                           "prompt": "When have you felt the pull to do something for someone?"}
_CHOICE_EXAMPLE: Schema = {
    "id": "call-for-her", "text": "Give me the number, I'll sort it out.",
    "role": "case-management-drift", "competencies": {"6": -1},
    "feedback": {"why": "Making the call yourself is the case manager's move.",
                 "better": "Offer to sit with her while she calls."},
    "next": "she-waits"}
_NARRATIVE_EXAMPLE: Schema = {"id": "she-calls", "text": "Keisha makes the call.",
                              "next": "after-call"}
_ENDING_EXAMPLE: Schema = {"id": "after-call", "text": "A week later Keisha stops by.",
                           "ending": {"title": "A week later",
                                      "debrief": "Going alongside leaves a skill behind."}}
_ORDER_TEXTS = ["Each attempt lists the responses in its own order (the default).",
                "The responses stay in the order written (a scale, say)."]


def _text(description: str, *examples: str) -> Schema:
    return {**_TEXT, "description": description, "examples": list(examples)}


def _id(description: str, *examples: str) -> Schema:
    return {**_ID, "description": description, "examples": list(examples)}


def _words(description: str, *examples: list[str]) -> Schema:
    return {"type": "array", "items": _TEXT, "description": description,
            "examples": list(examples)}


def _competency() -> Schema:
    # An enum rather than 1..12, so that completion offers each number with its name.
    numbers = list(COMPETENCIES)
    names = [f"{n}: {COMPETENCIES[n].title}" for n in numbers]
    # enumDescriptions and markdownEnumDescriptions are not JSON Schema but VS Code's
    # additions, which its YAML language server shows beside each value; other tools
    # ignore keywords they do not know.
    return {"enum": numbers, "enumDescriptions": names, "markdownEnumDescriptions": names,
            "description": "A SAMHSA core competency for peer workers, by number (1 to 12).",
            "examples": [6]}


def _role() -> Schema:
    # The same words the app uses for each role, so hover help and feedback agree.
    values = [r.value for r in Role]
    plain = [f"{ROLE_INFO[r].label}: {ROLE_INFO[r].sounds_like} {ROLE_INFO[r].why_it_matters}"
             for r in Role]
    markdown = [f"**{ROLE_INFO[r].label}**. Sounds like: {ROLE_INFO[r].sounds_like} "
                f"Why it matters: {ROLE_INFO[r].why_it_matters}" for r in Role]
    return {"enum": values, "enumDescriptions": plain, "markdownEnumDescriptions": markdown,
            "description": "The role this response reflects: peer-aligned, or the kind of "
                           "drift away from the peer role it shows.",
            "examples": ["peer-aligned", "case-management-drift"]}


def _listed(terms: dict[str, Any], description: str, example: str) -> Schema:
    # Settings and populations come from the taxonomy itself, so the schema, the
    # validator and the documented lists cannot disagree.
    ids = list(terms)
    labels = [terms[t].label for t in ids]
    return {"enum": ids, "enumDescriptions": labels, "markdownEnumDescriptions": labels,
            "description": description, "examples": [example]}


def _scenario_properties() -> Schema:
    return {
        "format": {"const": FORMAT_VERSION, "description": "The version of this file format; "
                   "always 1 for now.", "examples": [FORMAT_VERSION]},
        "id": _id("The scenario's stable id. Never change it once trainees have played the "
                  "scenario: their history is filed under it. It must differ from every "
                  "built-in scenario's id.", "rent-letter"),
        "title": _text("The title shown in the Library.", "The letter from the landlord"),
        "summary": _text("One or two sentences for the Library: who, where, what is asked.",
                         "Keisha has a notice from her landlord and asks you to call him."),
        # The same 1 to 60 the validator enforces.
        "minutes": {"type": "integer", "minimum": 1, "maximum": 60,
                    "description": "Estimated minutes of play, 1 to 60 (most scenarios take "
                                   "5 to 7).", "examples": [6]},
        "competencies": {"type": "array", "minItems": 1, "uniqueItems": True,
                         "items": {"$ref": "#/$defs/competency"},
                         "description": "The SAMHSA core competencies this scenario focuses "
                                        "on, by number, each once.",
                         "examples": [[1, 6, 12]]},
        "setting": _listed(SETTINGS, "Where the scenario takes place: one id from the list "
                           "(the Library filters on it; coverage counts it).", "peer-center"),
        "population": {"type": "array", "uniqueItems": True,
                       "items": _listed(POPULATIONS, "Who the scenario is about.", "adults"),
                       "description": "Who the scenario is about: ids from the list, each "
                                      "once.", "examples": [["adults", "veterans"]]},
        "tags": _words("Free words that help people find the scenario.",
                       ["housing", "doing-for"]),
        "content_warnings": _words("Topics shown before play, with the option to skip the "
                                   "scenario.", ["suicide", "overdose"]),
        "language": _text("The language of the text, as a code such as en or es (en if left "
                          "out).", "en"),
        "version": _text("Your own version label; write it in quotes so 1.10 stays 1.10.",
                         "1.0"),
        "sources": _words("Titles of the material the facts come from.",
                          ["SAMHSA Core Competencies for Peer Workers"]),
        "start": _id("The id of the node play starts at (the first node if left out).",
                     "notice"),
        "nodes": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/node"},
                  "description": "The steps of the story. Each has narrative text or speaker "
                                 "lines, and exactly one of choices, next and ending.",
                  "examples": [[_NARRATIVE_EXAMPLE, _ENDING_EXAMPLE]]},
    }


def _node() -> Schema:
    props: Schema = {
        "id": _id("The node's id, unique in the scenario; choices and next point at it.",
                  "she-calls"),
        "text": _text("Narrative, in the Markdown subset: blank lines between paragraphs, "
                      "**bold**, *italic*, and lists with '- '.",
                      "You meet **Keisha** at the drop-in center."),
        "lines": {"type": "array", "items": {"$ref": "#/$defs/line"},
                  "description": "What people say, in order: each with speaker and text.",
                  "examples": [[_LINE_EXAMPLE]]},
        "choices": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/choice"},
                    "description": "Makes the node a decision: the responses the trainee can "
                                   "pick (2 to 9, usually 3 or 4), at least one peer-aligned.",
                    "examples": [[_CHOICE_EXAMPLE]]},
        "next": _id("For a node without choices: the id of the node that follows.",
                    "after-call"),
        "ending": {"$ref": "#/$defs/ending"},
        "reflect": {"type": "array", "items": {"$ref": "#/$defs/prompt"},
                    "description": "Reflection prompts: after the feedback on a decision, "
                                   "after the text elsewhere, with the debrief at an ending.",
                    "examples": [[_PROMPT_EXAMPLE]]},
        "facilitator": {"$ref": "#/$defs/facilitator"},
        "content_warnings": _words("Warnings that apply to this node only.", ["self-harm"]),
        "allow_terms": _ALLOW,
        "order": {"enum": list(ORDER_VALUES),
                  "enumDescriptions": _ORDER_TEXTS, "markdownEnumDescriptions": _ORDER_TEXTS,
                  "description": "How a decision's responses are listed: shuffled for every "
                                 "attempt (the default, so position never gives the answer "
                                 "away) or fixed in the order written.",
                  "examples": ["fixed"]},
    }
    return {
        "type": "object", "additionalProperties": False, "required": ["id"],
        "properties": props,
        "description": "One step of the story.",
        "examples": [_NARRATIVE_EXAMPLE],
        "anyOf": [{"required": ["text"]}, {"required": ["lines"]}],
        # Exactly one way on, said as 'not allowed here' rather than JSON Schema's
        # 'matches multiple schemas', which means nothing to an author.
        "allOf": [
            {"anyOf": [{"required": ["choices"]}, {"required": ["next"]},
                       {"required": ["ending"]}]},
            {"if": {"required": ["choices"]},
             "then": {"properties": {"next": False, "ending": False}}},
            {"if": {"required": ["next"]}, "then": {"properties": {"ending": False}}},
        ],
        # VS Code snippet syntax: $1, $2 ... are the places the Tab key visits in turn.
        "defaultSnippets": [
            {"label": "decision", "description": "A node with choices",
             "body": {"id": "$1", "text": "$2", "choices": [_choice_snippet("peer-aligned")]}},
            {"label": "narrative", "description": "A node that goes on to another",
             "body": {"id": "$1", "text": "$2", "next": "$3"}},
            {"label": "ending", "description": "A node that closes a branch",
             "body": {"id": "$1", "text": "$2", "ending": {"title": "$3", "debrief": "$4"}}},
        ],
    }


def _choice_snippet(role: str) -> Schema:
    # Only a drift's snippet asks for 'better': the validator requires it there alone.
    feedback: Schema = {"why": "$3"}
    if role != "peer-aligned":
        feedback["better"] = "$4"
    return {"id": "$1", "text": "$2", "role": role, "feedback": feedback, "next": "$5"}


def _choice() -> Schema:
    return {
        "type": "object", "additionalProperties": False,
        "required": ["id", "text", "role", "feedback", "next"],
        "description": "A response the trainee can pick.",
        "examples": [_CHOICE_EXAMPLE],
        "properties": {
            "id": _id("The choice's id, unique in its node; attempts record it.",
                      "plan-together"),
            "text": _text("What the trainee would say or do.",
                          "Want to plan what you'd say? I'll be right here while you call."),
            "role": _role(),
            "competencies": {
                "type": "object",
                "description": f"Effect on competencies: {{number: effect}}, each effect from "
                               f"{EFFECT_MIN} to {EFFECT_MAX}.",
                "examples": [{"6": 1, "12": 2}],
                # Mapping keys reach JSON Schema as strings, so 1 to 12 is a pattern.
                "propertyNames": {"pattern": "^(?:[1-9]|1[0-2])$"},
                "additionalProperties": {"type": "integer", "minimum": EFFECT_MIN,
                                         "maximum": EFFECT_MAX},
            },
            "feedback": {"$ref": "#/$defs/feedback"},
            "next": _id("The id of the node this choice leads to.", "she-calls"),
            "allow_terms": _ALLOW,
        },
        # Only a known drift role needs 'better': a misspelt role is reported as such,
        # not as a missing 'better'.
        "if": {"required": ["role"], "properties": {"role": {"enum": _DRIFTS}}},
        "then": {"properties": {"feedback": {"required": ["why", "better"]}}},
        "defaultSnippets": [
            {"label": "peer-aligned choice", "body": _choice_snippet("peer-aligned")},
            # ${6:...} puts a role in place that the author types over.
            {"label": "drift choice", "body": _choice_snippet("${6:clinical-drift}")},
        ],
    }


def _defs() -> Schema:
    return {
        "competency": _competency(),
        "node": _node(),
        "line": {
            "type": "object", "additionalProperties": False, "required": ["speaker", "text"],
            "description": "Something a person in the scenario says.",
            "examples": [_LINE_EXAMPLE],
            "properties": {
                "speaker": _text("Who speaks (shown in bold before the words).", "Keisha"),
                "text": _text("What they say, without quotation marks: the app adds them.",
                              "Can you just call him for me?"),
                "allow_terms": _ALLOW,
            },
        },
        "choice": _choice(),
        "feedback": {
            "type": "object", "additionalProperties": False, "required": ["why"],
            "description": "What the trainee reads after choosing.",
            "examples": [_CHOICE_EXAMPLE["feedback"]],
            "properties": {
                "why": _text("Why this response matters for the peer role; for a drift, name "
                             "the role it drifts into.",
                             "Making the call yourself is the case manager's move."),
                "better": _text("What a more peer-aligned response would do (required for "
                                "every drift).", "Offer to sit with her while she calls."),
            },
        },
        "ending": {
            "type": "object", "additionalProperties": False, "required": ["title", "debrief"],
            "description": "Closes a branch: a title and a debrief for the trainee.",
            "examples": [_ENDING_EXAMPLE["ending"]],
            "properties": {
                "title": _text("The ending's title.", "A week later"),
                "debrief": _text("What this ending teaches, shown with its reflection "
                                 "prompts.", "Going alongside leaves the person with a skill "
                                 "of their own."),
            },
        },
        "prompt": {
            "type": "object", "additionalProperties": False, "required": ["id", "prompt"],
            "description": "A question the trainee may write about, privately.",
            "examples": [_PROMPT_EXAMPLE],
            "properties": {
                "id": _id("The prompt's id, unique in the scenario; reflections are filed "
                          "under it.", "reflect-doing-for"),
                "prompt": _text("The question.", "When have you felt the pull to do "
                                "something for someone?"),
            },
        },
        "facilitator": {
            "type": "object", "additionalProperties": False,
            "description": "Seen only by a facilitator running the scenario with a group.",
            "examples": [{"notes": "Doing-for is the pull.",
                          "discuss": ["What would Keisha gain from calling herself?"]}],
            "properties": {
                "notes": _text("What to watch for at this step.", "Doing-for is the pull."),
                "discuss": _words("Questions for the group.",
                                  ["What would Keisha gain from making the call herself?"]),
            },
        },
    }


def build_schema() -> Schema:
    """The schema as a JSON-ready dict."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "peerscenarios-scenario-format-1.json",
        "title": "PeerScenarios scenario (format 1)",
        "description": "A branching training scenario for peer support specialists "
                       "(docs/scenario-format.md). Check a file with: peerscenarios "
                       "validate FILE",
        # Unknown keys are refused everywhere, as the validator refuses them, so a misspelt
        # key shows while it is typed rather than at the next validate.
        "type": "object", "additionalProperties": False,
        "required": ["format", "id", "title", "summary", "minutes", "competencies", "nodes"],
        "properties": _scenario_properties(),
        "$defs": _defs(),
        "defaultSnippets": [{"label": "new scenario", "body": {
            "format": 1, "id": "$1", "title": "$2", "summary": "$3", "minutes": 6,
            "competencies": [1], "setting": "${4:peer-center}", "content_warnings": [],
            "nodes": [{"id": "start", "text": "$5",
                       "choices": [_choice_snippet("peer-aligned")]}],
        }}],
    }


def schema_text() -> str:
    """The schema as the text written to the files."""
    # Non-ASCII kept as it is (role texts have quotes and dashes); a final newline so
    # the files end the way editors and diff tools expect.
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to each path given (the package copy and docs/ by default)."""
    from peerscenarios import paths

    args = sys.argv[1:] if argv is None else argv
    # src/peerscenarios/core/ -> the checkout's root, where docs/ lives.
    root = Path(__file__).resolve().parents[3]
    targets = [Path(a) for a in args] or [paths.scenario_schema_path(),
                                          root / "docs" / "scenario.schema.json"]
    for target in targets:
        target.write_text(schema_text(), encoding="utf-8")
        print(target)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
