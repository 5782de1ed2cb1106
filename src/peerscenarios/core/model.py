"""Immutable scenario model: what a scenario file means once it has been validated."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from peerscenarios.core.taxonomy import Role

# The ``format:`` a scenario file declares. The validator refuses any other, so a
# file written for a later format says so instead of loading half understood.
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class SpeakerLine:
    """Something a person in the scenario says."""

    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class Feedback:
    """Boundary feedback for one response: why it matters and what a better one would do."""

    why: str
    better: str = ""


@dataclass(frozen=True, slots=True)
class Choice:
    """A response the trainee can pick at a decision point."""

    id: str
    text: str
    role: Role
    feedback: Feedback
    next: str
    # {competency number: -2..2}; read-only like every mapping in the model, because one
    # loaded scenario is shared by every screen, the exports and the library cache.
    effects: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class ReflectionPrompt:
    """A question the trainee is invited to write about."""

    id: str
    prompt: str


@dataclass(frozen=True, slots=True)
class FacilitatorNotes:
    """Notes and discussion questions for a facilitator; never shown to the audience."""

    notes: str = ""
    discuss: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ending:
    """How a branch closes, with the debrief text shown to the trainee."""

    title: str
    debrief: str


class NodeKind(StrEnum):
    """What happens after a node's text: a decision, a plain continue, or an ending."""

    DECISION = "decision"
    NARRATIVE = "narrative"
    ENDING = "ending"


@dataclass(frozen=True, slots=True)
class Node:
    """One step of a scenario."""

    id: str
    text: str = ""
    lines: tuple[SpeakerLine, ...] = ()
    choices: tuple[Choice, ...] = ()
    next: str | None = None
    ending: Ending | None = None
    reflect: tuple[ReflectionPrompt, ...] = ()
    facilitator: FacilitatorNotes = FacilitatorNotes()
    content_warnings: tuple[str, ...] = ()
    # The author pinned the order of the responses (a scale, say); otherwise each
    # attempt shows them shuffled so that position never gives the answer away.
    fixed_order: bool = False

    @property
    def kind(self) -> NodeKind:
        """Decision if the node has choices, ending if it ends, otherwise narrative."""
        if self.choices:
            return NodeKind.DECISION
        if self.ending is not None:
            return NodeKind.ENDING
        return NodeKind.NARRATIVE

    def choice(self, choice_id: str) -> Choice:
        """Return the choice with this id; KeyError if the node has none."""
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise KeyError(choice_id)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A whole validated scenario. ``content_hash`` identifies this exact file content."""

    id: str
    title: str
    summary: str
    minutes: int
    competencies: tuple[int, ...]
    # In file order. From the library cache this is a LazyNodes that unpickles on first
    # use: the Library screen lists hundreds of scenarios and opens one.
    nodes: Mapping[str, Node]
    start: str
    tags: tuple[str, ...] = ()
    content_warnings: tuple[str, ...] = ()
    language: str = "en"
    version: str = "1"
    sources: tuple[str, ...] = ()
    setting: str = ""
    population: tuple[str, ...] = ()
    # Stored with every attempt, so History can tell whether the file was edited since.
    content_hash: str = ""
    source_path: str = ""

    def node(self, node_id: str) -> Node:
        """Return the node with this id; KeyError if there is none."""
        return self.nodes[node_id]

    def iter_nodes(self) -> Iterator[Node]:
        """Nodes in file order."""
        return iter(self.nodes.values())

    @property
    def decision_count(self) -> int:
        """How many decision points the scenario has."""
        # Nodes still packed in the library cache carry their count: the Library shows it
        # for a scenario that may never be opened, and unpacking them just for this
        # cost the first paint about 30 ms.
        known = getattr(self.nodes, "decision_count", None)
        if isinstance(known, int):
            return known
        return sum(1 for n in self.nodes.values() if n.choices)

    def prompt(self, prompt_id: str) -> tuple[Node, ReflectionPrompt]:
        """Return the node holding a reflection prompt and the prompt; KeyError if absent."""
        for n in self.nodes.values():
            for p in n.reflect:
                if p.id == prompt_id:
                    return n, p
        raise KeyError(prompt_id)
