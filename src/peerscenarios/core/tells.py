"""Answer tells: when the peer-aligned response stands out by its length or by being a question.

Shuffling the responses hides the right one's position, not its shape. If
the peer-aligned response is usually the longest, or usually the only one
that asks something, a trainee learns to pick by shape instead of by
judgement. These checks count that, per file (the PS106 warning) and across
a library (``validate --coverage``). Decisions with ``order: fixed`` count
too: a pinned order hides nothing about length or wording.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from peerscenarios.core.diagnostics import Diagnostic, Severity
from peerscenarios.core.model import Node, Scenario
from peerscenarios.core.validate import codes

# A file warns when more than this share of its decisions shows the same tell.
FILE_SHARE = 0.5
# What a library a course adopts should stay at or under, for each tell.
LIBRARY_TARGET = 0.4


def _length(text: str) -> int:
    # Whitespace collapsed: a line break in the YAML must not make a response look longer.
    return len(" ".join(text.split()))


def peer_is_longest(node: Node) -> bool:
    """True if a peer-aligned response is longer than every drift response."""
    peer = [_length(c.text) for c in node.choices if not c.role.is_drift]
    drift = [_length(c.text) for c in node.choices if c.role.is_drift]
    # Against the longest drift, not the average: the tell is the answer that stands out.
    return bool(peer and drift) and max(peer) > max(drift)


def peer_only_question(node: Node) -> bool:
    """True if a peer-aligned response asks a question and no drift response does."""
    peer = [c for c in node.choices if not c.role.is_drift]
    drift = [c for c in node.choices if c.role.is_drift]
    # Any '?' anywhere counts: a reader notices the question mark, not the grammar.
    return (bool(peer and drift) and any("?" in c.text for c in peer)
            and not any("?" in c.text for c in drift))


@dataclass(frozen=True, slots=True)
class Tells:
    """How many decisions there are, and which show each tell (node ids)."""

    decisions: int = 0
    longest: tuple[str, ...] = ()
    question: tuple[str, ...] = ()

    def __add__(self, other: Tells) -> Tells:
        return Tells(self.decisions + other.decisions, self.longest + other.longest,
                     self.question + other.question)

    def share(self, which: tuple[str, ...]) -> float:
        """The share of decisions in ``which`` (0 when there are no decisions)."""
        return len(which) / self.decisions if self.decisions else 0.0


def scenario_tells(scenario: Scenario) -> Tells:
    """The tells in one scenario's decisions (those with peer and drift responses)."""
    # A decision that is all peer-aligned, or all drift, has no right answer to give away.
    decisions = [n for n in scenario.iter_nodes()
                 if any(c.role.is_drift for c in n.choices)
                 and any(not c.role.is_drift for c in n.choices)]
    return Tells(len(decisions),
                 tuple(n.id for n in decisions if peer_is_longest(n)),
                 tuple(n.id for n in decisions if peer_only_question(n)))


def library_tells(scenarios: Sequence[Scenario]) -> Tells:
    """The tells summed over a library."""
    total = Tells()
    for s in scenarios:
        total += scenario_tells(s)
    return total


def tell_warnings(scenario: Scenario, path: str,
                  mark: Callable[[str], tuple[int, int]]) -> list[Diagnostic]:
    """PS106 for each tell shown in more than half of the file's decisions.

    ``mark(node_id)`` says where a node is; the warning sits at the first
    decision that shows the tell and names the others.
    """
    tells = scenario_tells(scenario)
    out = []
    for which, what, fix in (
        (tells.longest, "the peer-aligned response is the longest",
         "trainees learn to pick the longest answer: shorten it, or give a tempting drift "
         "response as many words"),
        (tells.question, "the peer-aligned response is the only one that asks a question",
         "trainees learn to pick the question: let a drift response ask one too, or let the "
         "peer-aligned one say what it offers"),
    ):
        # More than half, not half: a two-decision file with one tell is chance.
        if which and tells.share(which) > FILE_SHARE:
            line, col = mark(which[0])
            out.append(Diagnostic(
                path, line, col, Severity.WARNING,
                f"in {len(which)} of {tells.decisions} decisions {what} "
                f"({', '.join(which)}); {fix}", codes.ANSWER_TELL, scenario.id, which[0]))
    return out


def tells_text(tells: Tells) -> str:
    """The library figures as ``validate --coverage`` prints them."""
    def line(which: tuple[str, ...], what: str) -> str:
        share = tells.share(which)
        flag = "" if share <= LIBRARY_TARGET else f"  <- above {LIBRARY_TARGET:.0%}"
        return (f"  {what}: {len(which)} of {tells.decisions} decisions ({share:.0%}; "
                f"target at most {LIBRARY_TARGET:.0%}){flag}")

    return "\n".join([
        "Answer tells (the peer-aligned response stands out)",
        line(tells.longest, "it is the longest response"),
        line(tells.question, "it is the only one asking a question"),
    ])


def tells_dict(tells: Tells) -> dict[str, object]:
    """The library figures for ``validate --coverage --json``."""
    return {"decisions": tells.decisions,
            "peer_longest": len(tells.longest),
            "peer_longest_share": round(tells.share(tells.longest), 3),
            "peer_only_question": len(tells.question),
            "peer_only_question_share": round(tells.share(tells.question), 3),
            "target_share": LIBRARY_TARGET}
