"""Every route through a scenario, for authors checking coverage (``peerscenarios paths``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from peerscenarios.core.model import Scenario
from peerscenarios.core.taxonomy import Role


@dataclass(frozen=True, slots=True)
class RouteStep:
    """A node on a route and the choice taken there (None for non-decision nodes)."""

    node_id: str
    choice_id: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """One way through: its steps, the ending it reaches and how many of each role it took."""

    steps: tuple[RouteStep, ...]
    ending: str
    roles: tuple[tuple[Role, int], ...]

    @property
    def choice_ids(self) -> tuple[str, ...]:
        """The choices taken, in order."""
        return tuple(s.choice_id for s in self.steps if s.choice_id)

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form."""
        return {
            "ending": self.ending,
            "steps": [{"node": s.node_id, "choice": s.choice_id} for s in self.steps],
            "roles": {r.value: n for r, n in self.roles},
        }


def enumerate_routes(scenario: Scenario, *, limit: int = 10_000) -> list[Route]:
    """All routes from the start to an ending that visit no node twice, up to ``limit``."""
    routes: list[Route] = []
    # Depth-first with an explicit stack so long scenarios cannot hit the recursion limit.
    stack: list[tuple[str, tuple[RouteStep, ...], frozenset[str]]] = [
        (scenario.start, (), frozenset())
    ]
    while stack and len(routes) < limit:
        node_id, steps, visited = stack.pop()
        node = scenario.node(node_id)
        visited = visited | {node_id}
        if node.ending is not None:
            tally = Counter(
                scenario.node(s.node_id).choice(s.choice_id).role for s in steps if s.choice_id
            )
            routes.append(
                Route(
                    (*steps, RouteStep(node_id)),
                    node_id,
                    tuple(sorted(tally.items(), key=lambda kv: list(Role).index(kv[0]))),
                )
            )
            continue
        if node.choices:
            for choice in reversed(node.choices):
                if choice.next not in visited:
                    stack.append((choice.next, (*steps, RouteStep(node_id, choice.id)), visited))
        elif node.next is not None and node.next not in visited:
            stack.append((node.next, (*steps, RouteStep(node_id)), visited))
    return routes
