"""The table of diagnostic codes: one named constant per code, and a short title for each.

Codes never change meaning once published (authors and tools match on them);
docs/scenario-format.md lists the same table, and a test keeps the two equal.
"""

from __future__ import annotations

from typing import Final

# Numbers are in the order codes were added, not by group: a code is never renumbered.
# -- reading the file ------------------------------------------------------------
YAML_SYNTAX: Final = "PS001"
TOO_LARGE: Final = "PS017"
ALIAS: Final = "PS018"
TOO_DEEP: Final = "PS019"
UNREADABLE: Final = "PS020"
CHECKER_FAILED: Final = "PS030"

# -- the shape of the scenario, its nodes and choices ---------------------------
UNKNOWN_KEY: Final = "PS002"
MISSING_FIELD: Final = "PS003"
WRONG_TYPE: Final = "PS004"
YAML11_TRAP: Final = "PS005"
DUPLICATE_KEY: Final = "PS006"
DUPLICATE_ID: Final = "PS007"
NO_FEEDBACK: Final = "PS012"
NO_PEER_CHOICE: Final = "PS013"
UNKNOWN_ROLE: Final = "PS014"
UNKNOWN_COMPETENCY: Final = "PS015"
EMPTY_TEXT: Final = "PS016"
BAD_ID: Final = "PS021"
OUT_OF_RANGE: Final = "PS022"
CONFLICTING_FIELDS: Final = "PS023"
CHOICE_COUNT: Final = "PS025"
UNKNOWN_SETTING: Final = "PS026"
UNKNOWN_POPULATION: Final = "PS027"
UNKNOWN_ORDER: Final = "PS028"
NO_SETTING: Final = "PS029"

# -- the story graph -------------------------------------------------------------
MISSING_TARGET: Final = "PS008"
UNREACHABLE: Final = "PS009"
DEAD_END: Final = "PS010"
ENDLESS_LOOP: Final = "PS011"

# -- across files of a library ----------------------------------------------------
DUPLICATE_SCENARIO: Final = "PS024"

# -- the content lint (warnings) -------------------------------------------------
STIGMA: Final = "PS101"
THIN_FEEDBACK: Final = "PS102"
SAME_KIND: Final = "PS103"
MINUTES: Final = "PS104"
CONTENT_WARNING: Final = "PS105"
ANSWER_TELL: Final = "PS106"

CODES: Final[dict[str, str]] = {
    YAML_SYNTAX: "not valid YAML",
    UNKNOWN_KEY: "unknown key",
    MISSING_FIELD: "missing required field",
    WRONG_TYPE: "wrong type",
    YAML11_TRAP: "YAML 1.1 trap",
    DUPLICATE_KEY: "duplicate key",
    DUPLICATE_ID: "duplicate id",
    MISSING_TARGET: "points at a missing node",
    UNREACHABLE: "unreachable node",
    DEAD_END: "dead end",
    ENDLESS_LOOP: "loop with no way out",
    NO_FEEDBACK: "choice without feedback",
    NO_PEER_CHOICE: "decision without a peer-aligned choice",
    UNKNOWN_ROLE: "unknown role",
    UNKNOWN_COMPETENCY: "unknown competency",
    EMPTY_TEXT: "empty text",
    TOO_LARGE: "file too large",
    ALIAS: "anchors and aliases not allowed",
    TOO_DEEP: "nesting too deep",
    UNREADABLE: "not UTF-8 text",
    BAD_ID: "bad id",
    OUT_OF_RANGE: "number out of range",
    CONFLICTING_FIELDS: "conflicting node fields",
    DUPLICATE_SCENARIO: "duplicate scenario id",
    CHOICE_COUNT: "unusual number of choices",
    UNKNOWN_SETTING: "unknown setting",
    UNKNOWN_POPULATION: "unknown population",
    UNKNOWN_ORDER: "unknown order",
    NO_SETTING: "no setting given",
    CHECKER_FAILED: "the checker failed on this file",
    STIGMA: "stigmatising term",
    THIN_FEEDBACK: "feedback that teaches nothing",
    SAME_KIND: "drift choices all the same kind",
    MINUTES: "estimated minutes disagree with the text",
    CONTENT_WARNING: "missing content warning",
    ANSWER_TELL: "the peer-aligned response stands out by its length or its question",
}
