"""Scenario validator: the public front of ``peerscenarios.core.validate``.

The validator never stops at the first problem: it walks the whole file,
collects a :class:`Diagnostic` for each one (with line, column, scenario
and node id, and a stable code), and builds a :class:`Scenario` only when
there are no errors. The work is done in phases, each in its own module:
``validate.walker`` (typed YAML getters with positions), ``validate.scenario``,
``validate.node`` and ``validate.choice`` (shapes), ``validate.graph`` (ids,
targets, reachability, loops) and ``validate.codes`` (the table of codes).
"""

from __future__ import annotations

from collections.abc import Callable

from peerscenarios.core.diagnostics import Diagnostic
from peerscenarios.core.validate.common import (
    TextSpan,
    ValidationResult,
    content_hash,
    suggest,
)
from peerscenarios.core.validate.keys import (
    CHOICE_KEYS,
    ENDING_KEYS,
    FACILITATOR_KEYS,
    FEEDBACK_KEYS,
    ID_RE,
    LINE_KEYS,
    NODE_KEYS,
    ORDER_VALUES,
    PROMPT_KEYS,
    SCENARIO_KEYS,
    SCENARIO_REQUIRED,
)
from peerscenarios.core.validate.reader import validate_bytes, validate_file

# A content check run after validation (the lint has this shape). The names below are
# what other modules and the tests import; keep them here when the parts move.
Linter = Callable[[ValidationResult], list[Diagnostic]]

# Re-exported: callers import from here, whatever module of core.validate does the work.
__all__ = [
    "CHOICE_KEYS",
    "ENDING_KEYS",
    "FACILITATOR_KEYS",
    "FEEDBACK_KEYS",
    "ID_RE",
    "LINE_KEYS",
    "NODE_KEYS",
    "ORDER_VALUES",
    "PROMPT_KEYS",
    "SCENARIO_KEYS",
    "SCENARIO_REQUIRED",
    "Linter",
    "TextSpan",
    "ValidationResult",
    "content_hash",
    "suggest",
    "validate_bytes",
    "validate_file",
]
