"""Every route through a scenario, for authors checking coverage (``peerscenarios paths``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from peerscenarios.core.model import Node, Scenario
from peerscenarios.core.taxonomy import Role

# Tallies list roles in the taxonomy's order, peer-aligned first, as every screen does.
_ROLE_ORDER = {role: i for i, role in enumerate(Role)}


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


@dataclass(frozen=True, slots=True)
class LoopEdge:
    """A way on that leads back to a node already on the route: the start of a loop."""

    node_id: str
    choice_id: str | None
    target: str


@dataclass(frozen=True, slots=True)
class RouteMap:
    """The routes found, and what they leave out.

    ``loops`` are the ways on that return to a node already on the route;
    routes through them are not listed (each would repeat a stretch of the
    story). ``truncated`` is True when ``limit`` stopped the listing early.
    ``unlisted`` are the choices that no listed route takes.
    """

    routes: tuple[Route, ...]
    loops: tuple[LoopEdge, ...]
    truncated: bool
    unlisted: tuple[tuple[str, str], ...]  # (node id, choice id)


# A way on from a node: (choice id or None for 'next', target node id, the choice's role).
_Edge = tuple[str | None, str, Role | None]


def _edges(node: Node) -> Iterator[_Edge]:
    if node.choices:
        for c in node.choices:
            yield c.id, c.next, c.role
    elif node.next is not None:
        yield None, node.next, None


def explore_routes(scenario: Scenario, *, limit: int = 10_000) -> RouteMap:
    """All routes from the start to an ending that visit no node twice (up to ``limit``).

    A depth-first walk that extends and shortens one route in place, so the
    work is linear in the size of the routes listed (a 10,000-node chain is
    one pass), and never recursive, so long scenarios cannot hit the limit.
    """
    routes: list[Route] = []
    loops: dict[tuple[str, str | None], LoopEdge] = {}
    path: list[tuple[RouteStep, Role | None]] = []  # the route so far, without its last node
    tally: Counter[Role] = Counter()
    on_path = {scenario.start}
    stack = [(scenario.start, _edges(scenario.node(scenario.start)))]
    # A start that is itself an ending is one route of one step; the walk below expects
    # a first step to take.
    if scenario.node(scenario.start).ending is not None:
        routes.append(Route((RouteStep(scenario.start),), scenario.start, ()))
        stack.clear()
    while stack and len(routes) < limit:
        node_id, edges = stack[-1]
        edge = next(edges, None)
        if edge is None:
            # Every way on from here is done: step back to the node before.
            stack.pop()
            on_path.discard(node_id)
            # Every node on the stack but the first was entered by one step in ``path``:
            # leaving the node takes that step off too.
            if path and len(path) == len(stack):
                _pop(path, tally)
            continue
        choice_id, target, role = edge
        if target in on_path:
            # A way back: following it would repeat part of the route, so it is noted
            # (paths says so) rather than listed.
            loops.setdefault((node_id, choice_id), LoopEdge(node_id, choice_id, target))
            continue
        path.append((RouteStep(node_id, choice_id), role))
        if role is not None:
            tally[role] += 1
        target_node = scenario.node(target)
        if target_node.ending is not None:
            routes.append(Route((*[s for s, _ in path], RouteStep(target)), target,
                                _roles(tally)))
            _pop(path, tally)
            continue
        on_path.add(target)
        stack.append((target, _edges(target_node)))
    # What the listing leaves out, for an author: choices no listed route takes.
    taken = {(s.node_id, s.choice_id) for r in routes for s in r.steps if s.choice_id}
    unlisted = tuple((n.id, c.id) for n in scenario.iter_nodes() for c in n.choices
                     if (n.id, c.id) not in taken)
    # Anything left on the stack means ``limit`` stopped the walk before it was done.
    return RouteMap(tuple(routes), tuple(loops.values()), bool(stack), unlisted)


def _pop(path: list[tuple[RouteStep, Role | None]], tally: Counter[Role]) -> None:
    _step, role = path.pop()
    if role is not None:
        tally[role] -= 1


def _roles(tally: Counter[Role]) -> tuple[tuple[Role, int], ...]:
    return tuple(sorted(((r, n) for r, n in tally.items() if n), key=lambda kv: _ROLE_ORDER[kv[0]]))


def enumerate_routes(scenario: Scenario, *, limit: int = 10_000) -> list[Route]:
    """All routes from the start to an ending that visit no node twice, up to ``limit``."""
    return list(explore_routes(scenario, limit=limit).routes)
