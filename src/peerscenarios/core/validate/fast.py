"""The fast path: a clean file read straight into plain values and then the model.

Composing YAML into position-carrying nodes costs most of a cold library load
(libyaml calls back into Python for every node and both of its marks, and the
walk then visits each node again). A file that is valid does not need the
positions: nothing is reported about it. So a file is first read into plain
values (``plain``: by yaml-rs when its text is plainly written, otherwise from
libyaml's events) and checked here against every rule at once; only if that
finds anything at all (an error, a warning, a value it is not
sure of) does the caller fall back to the full, position-aware walk, which
finds and explains the same problem. Each check here mirrors one in
``scenario``, ``node``, ``choice`` and ``graph``; tests hold the two paths to
the same result on the built-in, generated and mutated scenarios.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from peerscenarios.core.model import (
    FORMAT_VERSION,
    Choice,
    Ending,
    FacilitatorNotes,
    Feedback,
    Node,
    ReflectionPrompt,
    Scenario,
    SpeakerLine,
)
from peerscenarios.core.taxonomy import (
    COMPETENCIES,
    EFFECT_MAX,
    EFFECT_MIN,
    POPULATIONS,
    SETTINGS,
    Role,
)
from peerscenarios.core.validate import quick
from peerscenarios.core.validate.common import Pos, content_hash
from peerscenarios.core.validate.graph import reach
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
from peerscenarios.core.validate.node import MAX_CHOICES, MIN_CHOICES
from peerscenarios.core.validate.plain import (
    BIG,
    MISSING,
    PLAIN,
    PLAIN_LIMIT,
    RISKY_START,
    UnsureError,
    load,
    resolve,
)

_ROLES = {r.value: r for r in Role}
# Key sets, built once: the checks below compare every mapping's keys with one.
_TOP, _TOP_NEEDS = frozenset(SCENARIO_KEYS), frozenset((*SCENARIO_REQUIRED, "setting"))
_NODE, _CHOICE, _LINE = frozenset(NODE_KEYS), frozenset(CHOICE_KEYS), frozenset(LINE_KEYS)
_CHOICE_NEEDS = frozenset(("id", "text", "role", "next", "feedback"))
_LINE_NEEDS = frozenset(("speaker", "text"))
_FEEDBACK, _ENDING = frozenset(FEEDBACK_KEYS), frozenset(ENDING_KEYS)
_PROMPT, _FACILITATOR = frozenset(PROMPT_KEYS), frozenset(FACILITATOR_KEYS)
_ID_ONLY, _WHY_ONLY = frozenset(("id",)), frozenset(("why",))


class PlainNodes(Mapping[str, Node]):
    """A clean scenario's nodes, kept as the plain values they were read from.

    The plain values (dicts, lists and strings) pickle several times faster
    than the node objects, so the library service sends those between
    processes and into its cache. The node objects are built from them (by
    :func:`nodes_from_plain`) only when the nodes are first used: a library
    load checks every node but opens none.
    """

    __slots__ = ("_nodes", "decision_count", "plain")

    def __init__(self, plain: list[Any], decision_count: int) -> None:
        self._nodes: dict[str, Node] | None = None
        self.plain = plain
        self.decision_count = decision_count

    def _built(self) -> dict[str, Node]:
        if self._nodes is None:
            self._nodes = nodes_from_plain(self.plain)
        return self._nodes

    def __getitem__(self, key: str) -> Node:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self.plain)


def nodes_from_plain(plain: list[Any]) -> dict[str, Node]:
    """The nodes of a scenario that passed the fast path, from its plain values."""
    return {node.id: node for node in (_node(item, _MODEL) for item in plain)}


def fast_scenario(data: bytes, text: str, path: str) -> tuple[Scenario, Pos] | None:
    """The scenario and where its id is, if the file is certainly clean; else None."""
    try:
        root, id_mark = load(text)
        return _scenario(root, data, path), id_mark
    except (UnsureError, KeyError, TypeError, AttributeError, ValueError):
        # A value of an unexpected type in a lookup lands here too: not clean, so the
        # full walk will say what is wrong.
        return None


# -- plain values to the model --------------------------------------------------------


def _fields(value: Any, allowed: frozenset[str],
            required: frozenset[str] = frozenset()) -> dict[str, Any]:
    if type(value) is not dict or not value.keys() <= allowed or not required <= value.keys():
        raise UnsureError("keys")
    return value


def _text(value: Any) -> str:
    if value.__class__ is str:
        # Every string passes here. Written plainly, YAML 1.1 might read it as a truth
        # value, a date or a number (the full walk's reading); then it must have come
        # from quotes, or the readers differ. (Only a date with a time holds a space.)
        if value and value[0] in RISKY_START and (" " not in value or value[0] in quick.DIGITS):
            _check_quoted(value)
        text = value.strip()
        if not text:
            raise UnsureError("empty")
        return text
    if value.__class__ is int:
        if not -BIG < value < BIG:
            raise UnsureError("big number")
        return str(value)  # 'text: 911': YAML's digits, kept as text as the full walk does
    raise UnsureError("text")


def _check_quoted(value: str) -> None:
    found = PLAIN.get(value, MISSING)
    if found is MISSING:
        found = resolve(value)
        if len(value) <= 64 and len(PLAIN) <= PLAIN_LIMIT:
            PLAIN[value] = found
    if found.__class__ is not str and not quick.was_quoted(value):
        raise UnsureError("type")


def _ident(value: Any) -> str:
    if value.__class__ is str and value in _GOOD_IDS:
        return value  # ids repeat (every "next" names a node): each is checked once
    text = _text(value)
    if not ID_RE.match(text):
        raise UnsureError("id")
    if text == value and len(_GOOD_IDS) < PLAIN_LIMIT:
        _GOOD_IDS.add(text)
    return text


_GOOD_IDS: set[str] = set()


def _texts(value: Any) -> tuple[str, ...]:
    if type(value) is not list:
        raise UnsureError("list")
    return tuple([_text(v) for v in value])


def _number(value: Any, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise UnsureError("number")
    return value


def _scenario(root: Any, data: bytes, path: str) -> Scenario:
    top = _fields(root, _TOP, _TOP_NEEDS)
    sid = _ident(top["id"])
    if top["format"] != FORMAT_VERSION or type(top["format"]) is not int:
        raise UnsureError("format")
    competencies = top["competencies"]
    if type(competencies) is not list or not competencies:
        raise UnsureError("competencies")
    for n in competencies:
        _number(n, 1, 12)
    if len(set(competencies)) != len(competencies) or not set(competencies) <= COMPETENCIES.keys():
        raise UnsureError("competencies")
    setting = _text(top["setting"])
    population = _texts(top["population"]) if "population" in top else ()
    if len(set(population)) != len(population) or not set(population) <= POPULATIONS.keys():
        raise UnsureError("population")
    if setting not in SETTINGS:
        raise UnsureError("setting")
    items = top["nodes"]
    if type(items) is not list or not items:
        raise UnsureError("nodes")
    nodes: dict[str, Any] = {}
    for item in items:
        node = _node(item, _CHECK)
        if node.id in nodes:
            raise UnsureError("node id")
        nodes[node.id] = node
    start = _ident(top["start"]) if "start" in top else next(iter(nodes))
    _check_graph(nodes, start)
    decisions = sum(1 for node in nodes.values() if node.choices)
    return Scenario(
        id=sid, title=_text(top["title"]), summary=_text(top["summary"]),
        minutes=_number(top["minutes"], 1, 60), competencies=tuple(competencies),
        nodes=PlainNodes(items, decisions), start=start,
        tags=_texts(top["tags"]) if "tags" in top else (),
        content_warnings=_texts(top["content_warnings"]) if "content_warnings" in top else (),
        language=_text(top["language"]) if "language" in top else "en",
        version=_text(top["version"]) if "version" in top else "1",
        sources=_texts(top["sources"]) if "sources" in top else (),
        setting=setting, population=population, content_hash=content_hash(data),
        source_path=path,
    )


class _Make(NamedTuple):
    """What the checks build: the model's objects, or only what the graph check reads."""

    node: Callable[..., Any]
    choice: Callable[..., Any]
    feedback: Callable[[str, str], Any]
    line: Callable[[str, str], Any]
    effects: Callable[[dict[int, int]], Any]


class _CheckedNode:
    __slots__ = ("choices", "ending", "id", "next", "reflect")

    def __init__(self, nid: str, _text: str, _lines: Any, choices: Any, nxt: str | None,
                 ending: Any, reflect: Any, _notes: Any, _warnings: Any, _fixed: bool) -> None:
        self.id, self.choices, self.next, self.ending, self.reflect = (
            nid, choices, nxt, ending, reflect)


class _CheckedChoice:
    __slots__ = ("id", "next", "role")

    def __init__(self, cid: str, _text: str, role: Role, _feedback: Any, nxt: str,
                 _effects: Any) -> None:
        self.id, self.role, self.next = cid, role, nxt


def _nothing(*_args: Any) -> None:
    return None


# A library load checks every node of every file but opens none: building the frozen
# model objects it would throw away was a fifth of the checks' time.
_MODEL = _Make(Node, Choice, Feedback, SpeakerLine, MappingProxyType)
_CHECK = _Make(_CheckedNode, _CheckedChoice, _nothing, _nothing, _nothing)


def _node(item: Any, mk: _Make) -> Any:
    f = _fields(item, _NODE, _ID_ONLY)
    nid = _ident(f["id"])
    if "allow_terms" in f:
        _texts(f["allow_terms"])
    if "text" not in f and "lines" not in f:
        raise UnsureError("no text")
    if ("choices" in f) + ("next" in f) + ("ending" in f) != 1:
        raise UnsureError("way on")
    choices = _choices(f["choices"], mk) if "choices" in f else ()
    ending = None
    if "ending" in f:
        ef = _fields(f["ending"], _ENDING, _ENDING)
        ending = Ending(_text(ef["title"]), _text(ef["debrief"]))
    fixed = False
    if "order" in f:
        order = _text(f["order"])
        if order not in ORDER_VALUES or (order == "fixed" and not choices):
            raise UnsureError("order")
        fixed = order == "fixed"
    return mk.node(
        nid, _text(f["text"]) if "text" in f else "",
        tuple([_line(li, mk) for li in _list(f["lines"])]) if "lines" in f else (),
        choices, _ident(f["next"]) if "next" in f else None, ending,
        tuple([_prompt(p) for p in _list(f["reflect"])]) if "reflect" in f else (),
        _facilitator(f["facilitator"]) if "facilitator" in f else _NO_NOTES,
        _texts(f["content_warnings"]) if "content_warnings" in f else (),
        fixed,
    )


_NO_NOTES = FacilitatorNotes()


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise UnsureError("list")
    return value


def _line(value: Any, mk: _Make) -> Any:
    f = _fields(value, _LINE, _LINE_NEEDS)
    if "allow_terms" in f:
        _texts(f["allow_terms"])
    return mk.line(_text(f["speaker"]), _text(f["text"]))


def _prompt(value: Any) -> ReflectionPrompt:
    f = _fields(value, _PROMPT, _PROMPT)
    return ReflectionPrompt(_ident(f["id"]), _text(f["prompt"]))


def _facilitator(value: Any) -> FacilitatorNotes:
    f = _fields(value, _FACILITATOR)
    return FacilitatorNotes(_text(f["notes"]) if "notes" in f else "",
                            _texts(f["discuss"]) if "discuss" in f else ())


def _choices(value: Any, mk: _Make) -> tuple[Any, ...]:
    items = _list(value)
    if not MIN_CHOICES <= len(items) <= MAX_CHOICES:
        raise UnsureError("choice count")
    choices = tuple([_choice(c, mk) for c in items])
    if len({c.id for c in choices}) != len(choices) or all(c.role.is_drift for c in choices):
        raise UnsureError("choices")
    return choices


def _choice(value: Any, mk: _Make) -> Any:
    f = _fields(value, _CHOICE, _CHOICE_NEEDS)
    if "allow_terms" in f:
        _texts(f["allow_terms"])
    role = _ROLES[_text(f["role"])]
    ff = _fields(f["feedback"], _FEEDBACK, _WHY_ONLY)
    if role.is_drift and "better" not in ff:
        raise UnsureError("better")
    effects: dict[int, int] = {}
    if "competencies" in f:
        raw = f["competencies"]
        if type(raw) is not dict:
            raise UnsureError("effects")
        for k, v in raw.items():
            if k not in COMPETENCIES or type(k) is not int:
                raise UnsureError("competency")
            effects[k] = _number(v, EFFECT_MIN, EFFECT_MAX)
    return mk.choice(_ident(f["id"]), _text(f["text"]), role,
                     mk.feedback(_text(ff["why"]), _text(ff["better"]) if "better" in ff else ""),
                     _ident(f["next"]), mk.effects(effects))


def _check_graph(nodes: dict[str, Any], start: str) -> None:
    """Targets exist, prompts are unique, every node is reachable and can reach an ending."""
    # Stricter than the graph phase needs to be for errors: an unreachable node is only
    # a warning there, but a warning is something to report, so not for this path.
    edges: dict[str, list[str]] = {}
    prompts: set[str] = set()
    for node in nodes.values():
        outs = [c.next for c in node.choices] + ([node.next] if node.next else [])
        if not set(outs) <= nodes.keys():
            raise UnsureError("target")
        edges[node.id] = outs
        for p in node.reflect:
            if p.id in prompts:
                raise UnsureError("prompt id")
            prompts.add(p.id)
    if start not in nodes or len(reach([start], edges)) != len(nodes):
        raise UnsureError("reachability")
    endings = [n.id for n in nodes.values() if n.ending is not None]
    reverse: dict[str, list[str]] = {nid: [] for nid in nodes}
    for src, outs in edges.items():
        for dst in outs:
            reverse[dst].append(src)
    if not endings or len(reach(endings, reverse)) != len(nodes):
        raise UnsureError("no way to an ending")
