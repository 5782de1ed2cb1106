"""Graph checks on the drafted nodes: unique ids, targets that exist, reachability, loops.

Pure functions over :class:`NodeDraft` values and positions: nothing here
knows about YAML, so the same checks can run on a scenario from any reader.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from peerscenarios.core.diagnostics import Diagnostic, Severity
from peerscenarios.core.model import Node
from peerscenarios.core.validate import codes
from peerscenarios.core.validate.common import NodeDraft, Pos, suggest


@dataclass
class _Sink:
    """Where graph diagnostics go, labelled with the file and the scenario."""

    path: str
    scenario_id: str
    out: list[Diagnostic]

    def report(self, at: Pos, message: str, code: str, node_id: str = "",
               severity: Severity = Severity.ERROR) -> None:
        self.out.append(Diagnostic(self.path, at[0], at[1], severity, message, code,
                                   self.scenario_id, node_id))


def check_graph(drafts: list[NodeDraft], start: str | None, start_pos: Pos | None, *,
                path: str, scenario_id: str, out: list[Diagnostic]) -> dict[str, Node] | None:
    """Report id and graph problems into ``out``; the nodes by id if all of them are usable."""
    sink = _Sink(path, scenario_id, out)
    # 'complete' stays True only if every node was usable: a scenario is built from all or none.
    first_line, nodes, complete = _unique_ids(sink, drafts)
    _unique_prompt_ids(sink, drafts)
    edges = _edges(sink, drafts, first_line)
    if start is not None and start not in first_line and start_pos is not None:
        sink.report(start_pos, f"start node '{start}' does not exist"
                               f"{suggest(start, tuple(first_line))}", codes.MISSING_TARGET)
        return None
    if not first_line:
        return None
    # Without 'start:' the first node in the file is where play begins.
    root = start or next(iter(first_line))
    reachable = reach([root], edges)
    for d in drafts:
        # Only the first node of a duplicated id is judged; the second is reported above.
        if d.id and d.id not in reachable and first_line.get(d.id) == d.mark[0]:
            sink.report(d.mark, f"node '{d.id}' cannot be reached from the start node "
                                f"'{root}'", codes.UNREACHABLE, d.id, Severity.WARNING)
    # Endings and loops are judged only on a complete graph: with a node missing,
    # 'no way out' would mostly repeat the error that removed it.
    if complete:
        _endings(sink, drafts, edges, reachable)
    return nodes if complete else None


def _unique_ids(sink: _Sink, drafts: list[NodeDraft],
                ) -> tuple[dict[str, int], dict[str, Node], bool]:
    """Node ids must be unique: first line of each id, the usable nodes, and if all were."""
    first_line: dict[str, int] = {}
    nodes: dict[str, Node] = {}
    complete = True
    for d in drafts:
        if not d.id:
            complete = False
            continue
        if d.id in first_line:
            sink.report(d.mark, f"node id '{d.id}' is used twice (first on line "
                                f"{first_line[d.id]})", codes.DUPLICATE_ID, d.id)
            complete = False
            continue
        first_line[d.id] = d.mark[0]
        if d.node is None:
            complete = False
        else:
            nodes[d.id] = d.node
    return first_line, nodes, complete


def _unique_prompt_ids(sink: _Sink, drafts: list[NodeDraft]) -> None:
    """Reflection prompt ids are unique across the scenario: reflections are filed under them."""
    holder: dict[str, str] = {}
    for d in drafts:
        if d.node is None:
            continue
        for p in d.node.reflect:
            if p.id in holder:
                sink.report(d.mark, f"reflection prompt id '{p.id}' is used twice (also in "
                                    f"node '{holder[p.id]}')", codes.DUPLICATE_ID, d.id)
            else:
                holder[p.id] = d.id


def _edges(sink: _Sink, drafts: list[NodeDraft],
           first_line: dict[str, int]) -> dict[str, list[str]]:
    """Each node's outgoing targets, reporting those that point at no node."""
    ids = tuple(first_line)
    edges: dict[str, list[str]] = {nid: [] for nid in first_line}

    def check_target(target: str, at: Pos, who: str, node_id: str) -> None:
        if target not in first_line:
            sink.report(at, f"{who} goes to node '{target}', which does not exist"
                            f"{suggest(target, ids)}", codes.MISSING_TARGET, node_id)

    for d in drafts:
        if not d.id:
            continue
        for target, at, cid in d.choice_targets:
            check_target(target, at, f"choice '{cid}'", d.id)
            edges[d.id].append(target)
        if d.node is not None and d.node.next and d.next_mark is not None:
            check_target(d.node.next, d.next_mark, f"node '{d.id}'", d.id)
            edges[d.id].append(d.node.next)
    return edges


def _endings(sink: _Sink, drafts: list[NodeDraft], edges: dict[str, list[str]],
             reachable: set[str]) -> None:
    """At least one ending, and from every reachable node some way to one."""
    # Nodes from which an ending can be reached: walk the edges backwards from each.
    reverse: dict[str, list[str]] = {nid: [] for nid in edges}
    for src, outs in edges.items():
        for dst in outs:
            if dst in reverse:
                reverse[dst].append(src)
    endings = [d.id for d in drafts if d.node is not None and d.node.ending is not None]
    if not endings:
        sink.report((1, 1), "the scenario has no ending: at least one node needs 'ending'",
                    codes.DEAD_END)
        return
    can_end = reach(endings, reverse)
    for d in drafts:
        if d.node is None or d.id in can_end or d.id not in reachable:
            continue
        if d.node.ending is None and (d.node.choices or d.node.next):
            sink.report(d.mark, f"node '{d.id}' is in a loop with no way out to an ending",
                        codes.ENDLESS_LOOP, d.id)


def reach(roots: list[str], edges: dict[str, list[str]]) -> set[str]:
    """Every node reachable from any of ``roots`` along ``edges`` (the roots included)."""
    # One search from all roots at once: linear in the graph, however many endings there are.
    seen = set(roots)
    queue = deque(roots)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            # A target that names no node was reported by _edges; it is simply not followed.
            if nxt in edges and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
