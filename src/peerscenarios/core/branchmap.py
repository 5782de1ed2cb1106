"""A scenario's branch map as Mermaid or Graphviz text (``peerscenarios paths --graph``).

Paste the Mermaid text into any Markdown viewer that draws diagrams, or run
the Graphviz text through ``dot -Tsvg``. Decisions are diamonds, endings
rounded boxes; each arrow names the choice and its role, and arrows that go
back to an earlier node (loops) are dashed.
"""

from __future__ import annotations

from peerscenarios.core.model import Node, Scenario
from peerscenarios.core.routes import explore_routes

FORMATS = ("mermaid", "dot")

# Long texts make unreadable boxes; the map is for finding your way, not reading.
_LABEL_CHARS = 40


def branch_map(scenario: Scenario, fmt: str) -> str:
    """The scenario's nodes and ways on, in ``fmt`` ('mermaid' or 'dot')."""
    if fmt == "mermaid":
        return _mermaid(scenario)
    if fmt == "dot":
        return _dot(scenario)
    raise ValueError(f"unknown graph format {fmt!r}; use one of {', '.join(FORMATS)}")


def _arrows(scenario: Scenario) -> list[tuple[str, str, str, bool]]:
    """(from, to, label, goes back) for every way on, in file order."""
    back = {(e.node_id, e.choice_id) for e in explore_routes(scenario).loops}
    out = []
    for node in scenario.iter_nodes():
        for c in node.choices:
            out.append((node.id, c.next, f"{c.id} ({c.role.label})", (node.id, c.id) in back))
        if node.next is not None:
            out.append((node.id, node.next, "", (node.id, None) in back))
    return out


def _title(node: Node) -> str:
    if node.ending is not None:
        return f"{node.id}: {_short(node.ending.title)}"
    return node.id


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def _mermaid(scenario: Scenario) -> str:
    # Mermaid ids are plain words; node ids with hyphens get a short alias instead.
    alias = {node.id: f"n{i}" for i, node in enumerate(scenario.iter_nodes())}
    lines = ["flowchart TD"]
    for node in scenario.iter_nodes():
        label = _mermaid_text(_title(node))
        if node.choices:
            lines.append(f'  {alias[node.id]}{{"{label}"}}')
        elif node.ending is not None:
            lines.append(f'  {alias[node.id]}(["{label}"])')
        else:
            lines.append(f'  {alias[node.id]}["{label}"]')
    for src, dst, label, back in _arrows(scenario):
        arrow = "-.->" if back else "-->"
        text = f'|"{_mermaid_text(label)}"|' if label else ""
        lines.append(f"  {alias[src]} {arrow}{text} {alias[dst]}")
    # A heavier outline on the start: where play begins is what an author looks for first.
    lines.append(f"  style {alias[scenario.start]} stroke-width:3px")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    # Mermaid has entity codes rather than backslash escapes inside quoted labels.
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _dot(scenario: Scenario) -> str:
    lines = [f"digraph {_dot_text(scenario.id)} {{", "  rankdir=TB;",
             '  node [shape=box, fontname="sans-serif"];',
             '  edge [fontname="sans-serif", fontsize=10];']
    for node in scenario.iter_nodes():
        attrs = [f"label={_dot_text(_title(node))}"]
        if node.choices:
            attrs.append("shape=diamond")
        elif node.ending is not None:
            attrs.append('style="rounded,bold"')
        if node.id == scenario.start:
            attrs.append("penwidth=3")
        lines.append(f"  {_dot_text(node.id)} [{', '.join(attrs)}];")
    for src, dst, label, back in _arrows(scenario):
        attrs = [f"label={_dot_text(label)}"] if label else []
        if back:
            attrs.append("style=dashed")
        tail = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {_dot_text(src)} -> {_dot_text(dst)}{tail};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    # Every id and label is quoted: a node called 'node' or 'edge' would otherwise be
    # read as a DOT keyword. Backslashes are doubled so a '\N' typed in a title is not
    # taken for Graphviz's "this node's name" escape.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
