"""Safe YAML reading: size, encoding and nesting checks, then composition into located nodes.

We never construct arbitrary Python objects: the file is composed into
PyYAML's node graph (with line and column for every value) by the safe
loader, preferably the C one, and the validator reads the nodes itself.
Hostile input is refused *before* libyaml sees it when it could cost
unbounded time or stack (deeply nested flow collections make libyaml's
scanner quadratic and its composer recursive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from peerscenarios.core.validate.syntax import Lines, explain

try:  # the C loader is several times faster; fall back when libyaml is absent
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


class _Loader(_BaseLoader):
    """The safe loader with a fast path for tag resolution.

    libyaml calls back into Python to resolve every scalar's tag. Quoted
    scalars are always strings and most plain ones start with a character
    no implicit type can start with, so those skip the regex search.
    """

    def resolve(self, kind: type[yaml.Node], value: str | None,
                implicit: tuple[bool, bool] | None) -> str:
        if kind is yaml.ScalarNode:
            if implicit is not None and not implicit[0]:
                return _STR_TAG
            if value and value[0] not in self.yaml_implicit_resolvers:
                return _STR_TAG
        elif kind is yaml.MappingNode:
            return _MAP_TAG
        elif kind is yaml.SequenceNode:
            return _SEQ_TAG
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]


# The largest built-in scenario is 24 KB and the benchmark's generated ones 55 KB: a
# real file never comes near the cap, and a huge one is refused before it is parsed.
MAX_FILE_BYTES = 512 * 1024
# A scenario nests seven levels (file, nodes, node, choices, choice, feedback, why).
MAX_DEPTH = 48
# Block nesting needs indentation or a '- ', '? ' or ': ' per level, so a cap on
# a line's leading whitespace and indicators caps libyaml's recursion too.
MAX_LINE_PREFIX = 240

_FLOW_BRACKETS = re.compile(r"[\[\]{}]")
# A line whose indentation and indicators alone could nest MAX_DEPTH deep; only
# then (or when the text has anchors) is the full structure walk needed.
_PREFIX_UNIT = r"^(?:[ \t]|[-?:][ \t])"
_MAYBE_DEEP = re.compile(_PREFIX_UNIT + f"{{{MAX_DEPTH}}}", re.MULTILINE)
_TOO_DEEP = re.compile(_PREFIX_UNIT + f"{{{MAX_LINE_PREFIX}}}", re.MULTILINE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20)) + b"\x7f"
# A line prefix that nests MAX_DEPTH deep needs at least that many of these characters
# in a row; one cheap search rules most files out before the exact patterns run.
_LONG_PREFIX = re.compile(r"\n[ \t?:-]{" + str(MAX_DEPTH) + "}")
_LONG_FIRST = re.compile(r"[ \t?:-]{" + str(MAX_DEPTH) + "}")
# C1 control characters never belong in a scenario; U+0085 in particular is a
# '…' that went through the wrong encoding, and libyaml reads it as a line break.
_C1_CHARS = re.compile(r"[\x80-\x9f]")
# Line breaks for libyaml but not for an editor: positions after them need fixing.
_HIDDEN_BREAKS = ("\u2028", "\u2029")


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Why a file could not be turned into a YAML node graph."""

    line: int
    col: int
    message: str
    code: str


def decode(data: bytes) -> str | ReadProblem:
    """Check size and encoding; return the text or the problem."""
    if len(data) > MAX_FILE_BYTES:
        return ReadProblem(
            1, 1,
            f"the file is {len(data) // 1024} KiB; scenario files are limited to "
            f"{MAX_FILE_BYTES // 1024} KiB",
            "PS017",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return ReadProblem(line, col, "the file is not UTF-8 text (is it a scenario file?); "
                                      "if it is, save it as UTF-8 in your editor", "PS020")
    # Regular expressions over a whole file cost more than libyaml's own parse, so each
    # check first asks the bytes, at C speed, whether it can find anything at all.
    bad = (_CONTROL_CHARS.search(text)
           if len(data.translate(None, _CONTROL_BYTES)) != len(data) else None)
    if bad is not None:
        line, col = Lines(text).position(bad.start())
        return ReadProblem(
            line, col,
            f"the file contains a control character (U+{ord(bad.group()):04X}); "
            "it looks like binary data, not a scenario",
            "PS020",
        )
    # U+0080 to U+009F are encoded as C2 80 to C2 9F.
    bad = _C1_CHARS.search(text) if b"\xc2" in data else None
    if bad is not None:
        line, col = Lines(text).position(bad.start())
        return ReadProblem(
            line, col,
            f"line {line} contains an invisible control character (U+{ord(bad.group()):04X}), "
            "usually left by text pasted from another program: delete it, or retype that "
            "part of the text (if it stood for '…', type three dots)",
            "PS020",
        )
    return text


def _flow_depth_problem(text: str) -> ReadProblem | None:
    """Refuse deeply nested ``[`` / ``{`` before libyaml sees them.

    This over-counts brackets inside quoted text, which only matters for
    files with dozens of unbalanced brackets in prose.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None  # too few brackets to nest that deep
    depth = 0
    for m in _FLOW_BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                pos = m.start()
                line = text.count("\n", 0, pos) + 1
                col = pos - (text.rfind("\n", 0, pos) + 1) + 1
                return ReadProblem(
                    line, col, f"nesting is deeper than {MAX_DEPTH} levels", "PS019"
                )
        elif depth > 0:
            depth -= 1
    return None


def _long_prefix(text: str) -> bool:
    return _LONG_FIRST.match(text) is not None or _LONG_PREFIX.search(text) is not None


def _block_depth_problem(text: str) -> ReadProblem | None:
    """Refuse lines whose indentation and indicators alone nest absurdly deep."""
    if not _long_prefix(text):
        return None
    m = _TOO_DEEP.search(text)
    if m is not None:
        line = text.count("\n", 0, m.start()) + 1
        return ReadProblem(line, 1, f"nesting is deeper than {MAX_DEPTH} levels", "PS019")
    return None


def deep_or_suspicious(text: str) -> bool:
    """True if the text nests deep enough that only the guarded, full read should see it."""
    return _flow_depth_problem(text) is not None or _block_depth_problem(text) is not None


def structure_problem(root: yaml.Node) -> tuple[yaml.Node, str, str] | None:
    """Walk the composed tree once: refuse aliases (a node met twice) and deep nesting."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node, f"nesting is deeper than {MAX_DEPTH} levels", "PS019"
        if id(node) in seen:
            return (node, "anchors and aliases (&name / *name) are not allowed; write the "
                          "text out in full", "PS018")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append((k, depth + 1))
                stack.append((v, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return None


def _renumber(root: yaml.Node, lines: Lines) -> None:
    """Give every node the line and column an editor shows (libyaml counts U+2028 as a break)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        m = node.start_mark
        line, col = lines.position(m.index)
        # The stubs want a buffer and pointer for the excerpt; a position needs neither.
        node.start_mark = yaml.Mark(m.name, m.index, line - 1, col - 1,
                                    None, None)  # type: ignore[arg-type]
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack += (k, v)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def compose(text: str) -> yaml.Node | ReadProblem | None:
    """Compose a single YAML document into nodes, or report why not.

    Returns None for an empty document. Aliases and nesting deeper than
    MAX_DEPTH are reported as problems.
    """
    problem = _flow_depth_problem(text) or _block_depth_problem(text)
    if problem is not None:
        return problem
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        why = explain(Lines(text), exc)
        return ReadProblem(why.line, why.col, why.message, why.code)
    except yaml.YAMLError as exc:
        return ReadProblem(1, 1, f"the file is not valid YAML ({exc})", "PS001")
    finally:
        loader.dispose()
    if node is not None and any(ch in text for ch in _HIDDEN_BREAKS):
        _renumber(node, Lines(text))
    # Aliases need an anchor ('&') and deep block nesting needs a long line
    # prefix; ordinary files have neither, so the tree walk is skipped for them.
    if node is not None and ("&" in text or (_long_prefix(text)
                                             and _MAYBE_DEEP.search(text) is not None)):
        found = structure_problem(node)
        if found is not None:
            bad, message, code = found
            return ReadProblem(bad.start_mark.line + 1, bad.start_mark.column + 1, message, code)
    return node
