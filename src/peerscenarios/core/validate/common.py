"""Values the validator's phases hand to each other, and two small helpers they share."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field

from peerscenarios.core.diagnostics import Diagnostic, Severity
from peerscenarios.core.model import Node, Scenario

# A 1-based (line, column) in the file.
Pos = tuple[int, int]


def content_hash(data: bytes) -> str:
    """A short, stable fingerprint of a scenario file's exact bytes."""
    # 64 bits tell the edits of one file apart, and are short enough to store with
    # every attempt; this is a version mark, not a security check.
    return hashlib.sha256(data).hexdigest()[:16]


def suggest(word: str, options: tuple[str, ...] | list[str]) -> str:
    """``; did you mean 'x'?`` for the closest option, or an empty string."""
    # difflib's own default cutoff: 'choises' finds 'choices', an unrelated word nothing.
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass
class TextSpan:
    """A piece of prose and where it sits, kept for the language lint."""

    text: str
    line: int
    col: int
    node_id: str
    field: str
    # The allow_terms in force here: the node's, plus the line's or the choice's own.
    allow: frozenset[str] = frozenset()


@dataclass
class ValidationResult:
    """What validating one file produced: the scenario (if no errors) and every diagnostic."""

    path: str
    scenario: Scenario | None
    diagnostics: list[Diagnostic]
    spans: list[TextSpan] = field(default_factory=list)
    scenario_id: str = ""
    id_mark: Pos = (1, 1)

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of error severity."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics of warning severity."""
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


@dataclass
class NodeDraft:
    """One node as the shape checks left it, with the positions the graph checks report at.

    ``node`` is None when the node itself had errors; its id and outgoing
    targets are still kept so that the graph checks can run on the rest.
    """

    node: Node | None
    id: str
    mark: Pos
    choice_targets: list[tuple[str, Pos, str]]  # (target node id, where, choice id)
    next_mark: Pos | None

