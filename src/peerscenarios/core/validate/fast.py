"""The fast path: a clean file read straight from libyaml's events into the model.

Composing YAML into position-carrying nodes costs most of a cold library load
(libyaml calls back into Python for every node and both of its marks, and the
walk then visits each node again). A file that is valid does not need the
positions: nothing is reported about it. So a file is first read from the
parser's events into plain values and checked against every rule at once;
only if that finds anything at all (an error, a warning, a value it is not
sure of) does the caller fall back to the full, position-aware walk, which
finds and explains the same problem. Each check here mirrors one in
``scenario``, ``node``, ``choice`` and ``graph``; tests hold the two paths to
the same result on the built-in, generated and mutated scenarios.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import yaml
from yaml._yaml import CParser

from peerscenarios.core import safeyaml
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

_ROLES = {r.value: r for r in Role}
# Key sets, built once: the checks below compare every mapping's keys with one.
_TOP, _TOP_NEEDS = frozenset(SCENARIO_KEYS), frozenset((*SCENARIO_REQUIRED, "setting"))
_NODE, _CHOICE, _LINE = frozenset(NODE_KEYS), frozenset(CHOICE_KEYS), frozenset(LINE_KEYS)
_CHOICE_NEEDS = frozenset(("id", "text", "role", "next", "feedback"))
_LINE_NEEDS = frozenset(("speaker", "text"))
_FEEDBACK, _ENDING = frozenset(FEEDBACK_KEYS), frozenset(ENDING_KEYS)
_PROMPT, _FACILITATOR = frozenset(PROMPT_KEYS), frozenset(FACILITATOR_KEYS)
_ID_ONLY, _WHY_ONLY = frozenset(("id",)), frozenset(("why",))
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_INT = "tag:yaml.org,2002:int"
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,19})\Z")
# Resolving a plain scalar's type runs a few regular expressions; keys and short
# values repeat across a library, so the answers are remembered (within a bound).
_PLAIN: dict[str, str | int | None] = {}
_PLAIN_LIMIT = 20_000


class PlainNodes(Mapping[str, Node]):
    """A clean scenario's nodes, with the plain values they were read from.

    The plain values (dicts, lists and strings) pickle several times faster
    than the node objects, so the library service sends those between
    processes and into its cache, and builds the nodes again with
    :func:`nodes_from_plain` when a scenario is opened.
    """

    __slots__ = ("_nodes", "plain")

    def __init__(self, nodes: dict[str, Node], plain: list[Any]) -> None:
        self._nodes = nodes
        self.plain = plain

    def __getitem__(self, key: str) -> Node:
        return self._nodes[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)


def nodes_from_plain(plain: list[Any]) -> dict[str, Node]:
    """The nodes of a scenario that passed the fast path, from its plain values."""
    return {node.id: node for node in map(_node, plain)}


class UnsureError(Exception):
    """Anything the fast path does not accept as certainly clean; the full walk decides."""


def fast_scenario(data: bytes, text: str, path: str) -> tuple[Scenario, Pos] | None:
    """The scenario and where its id is, if the file is certainly clean; else None."""
    try:
        root, id_mark = _load(text)
        return _scenario(root, data, path), id_mark
    except (UnsureError, KeyError, TypeError, AttributeError, ValueError):
        # A value of an unexpected type in a lookup lands here too: not clean, so the
        # full walk will say what is wrong.
        return None


# -- events to plain values -----------------------------------------------------------


def _plain(value: str) -> str | int:
    """A plain scalar as YAML 1.1 reads it: text, a plainly written whole number, or UnsureError."""
    found = _PLAIN.get(value, _PLAIN)
    if found is _PLAIN:
        found = _resolve(value)
        if len(_PLAIN) > _PLAIN_LIMIT:
            _PLAIN.clear()
        if len(value) <= 64:
            _PLAIN[value] = found
    if found is None:
        raise UnsureError(value)
    return found  # type: ignore[return-value]  # the sentinel was replaced above


def _resolve(value: str) -> str | int | None:
    if not value:
        return None  # null
    rules = _RESOLVERS.get(value[0])
    if rules is None:
        return value
    for tag, rx in rules:
        if rx.match(value):
            # Only a plainly written whole number (so that its digits are its text, too);
            # 017, 0x0F, 1:00, +5, true, 1.5, ~ and dates are left to the full walk.
            if tag == _INT and _DECIMAL.match(value) and str(int(value)) == value:
                return int(value)
            return None
    return value


def _load(text: str) -> tuple[Any, Pos]:
    """The document as dicts, lists, str and int, and where its top-level 'id' key is."""
    if safeyaml.deep_or_suspicious(text):
        raise UnsureError("nesting")
    parser = CParser(text)
    try:
        # Anchors and tags need '&' or '!': most files have neither, and then no event
        # needs looking at for them.
        return _build(parser.get_event, marked="&" in text or "!" in text)
    except yaml.YAMLError as exc:
        raise UnsureError("syntax") from exc
    finally:
        parser.dispose()


_SCALAR, _DOC_START, _DOC_END = yaml.ScalarEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent
_MAP_START, _MAP_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQ_START, _SEQ_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MISSING = object()


def _build(get: Callable[[], Any], *, marked: bool) -> tuple[Any, Pos]:
    """Place each event's value; this loop is most of the fast path, so it is kept plain."""
    get()  # the stream's start
    if get().__class__ is not _DOC_START:
        raise UnsureError("empty")
    known = _PLAIN
    # The collection being filled, the key awaiting its value, and whether it is a list.
    stack: list[tuple[Any, Any, bool]] = []
    cur: Any = None
    key: Any = None
    in_list = False
    id_mark: Pos = (1, 1)
    root: Any = None
    while True:
        e = get()
        kind = e.__class__
        if kind is _SCALAR:
            if marked and (e.anchor is not None or e.tag is not None):
                raise UnsureError("anchor or tag")
            value = e.value
            if e.implicit[0]:  # plain, so YAML 1.1 may read it as something else
                found = known.get(value, _MISSING)
                value = _plain(value) if found is _MISSING or found is None else found
        elif kind is _MAP_START or kind is _SEQ_START:
            if marked and (e.anchor is not None or e.tag is not None):
                raise UnsureError("anchor or tag")
            if cur is not None and not in_list and key is None:
                raise UnsureError("complex key")
            stack.append((cur, key, in_list))
            if len(stack) > safeyaml.MAX_DEPTH:
                raise UnsureError("depth")
            in_list = kind is _SEQ_START
            cur, key = ([] if in_list else {}), None
            continue
        elif kind is _MAP_END or kind is _SEQ_END:
            value = cur
            cur, key, in_list = stack.pop()
        elif kind is _DOC_END:
            if get().__class__ is not yaml.StreamEndEvent:
                raise UnsureError("second document")
            return root, id_mark
        else:  # an alias
            raise UnsureError(kind.__name__)
        # Place the finished value.
        if in_list:
            cur.append(value)
        elif cur is None:
            root = value
        elif key is None:
            if (value.__class__ is not str and value.__class__ is not int) or value in cur:
                raise UnsureError("key")  # a collection, a repeat: the full walk explains
            if value == "id" and len(stack) == 1:
                id_mark = (e.start_mark.line + 1, e.start_mark.column + 1)
            key = value
        else:
            cur[key] = value
            key = None


# -- plain values to the model --------------------------------------------------------


def _fields(value: Any, allowed: frozenset[str],
            required: frozenset[str] = frozenset()) -> dict[str, Any]:
    if type(value) is not dict or not value.keys() <= allowed or not required <= value.keys():
        raise UnsureError("keys")
    return value


def _text(value: Any) -> str:
    if type(value) is int:
        return str(value)  # 'text: 911': YAML's digits, kept as text as the full walk does
    if type(value) is not str:
        raise UnsureError("text")
    text = value.strip()
    if not text:
        raise UnsureError("empty")
    return text


def _ident(value: Any) -> str:
    text = _text(value)
    if not ID_RE.match(text):
        raise UnsureError("id")
    return text


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
    nodes: dict[str, Node] = {}
    for item in items:
        node = _node(item)
        if node.id in nodes:
            raise UnsureError("node id")
        nodes[node.id] = node
    start = _ident(top["start"]) if "start" in top else next(iter(nodes))
    _check_graph(nodes, start)
    return Scenario(
        id=sid, title=_text(top["title"]), summary=_text(top["summary"]),
        minutes=_number(top["minutes"], 1, 60), competencies=tuple(competencies),
        nodes=PlainNodes(nodes, items), start=start,
        tags=_texts(top["tags"]) if "tags" in top else (),
        content_warnings=_texts(top["content_warnings"]) if "content_warnings" in top else (),
        language=_text(top["language"]) if "language" in top else "en",
        version=_text(top["version"]) if "version" in top else "1",
        sources=_texts(top["sources"]) if "sources" in top else (),
        setting=setting, population=population, content_hash=content_hash(data),
        source_path=path,
    )


def _node(item: Any) -> Node:
    f = _fields(item, _NODE, _ID_ONLY)
    nid = _ident(f["id"])
    if "allow_terms" in f:
        _texts(f["allow_terms"])
    if "text" not in f and "lines" not in f:
        raise UnsureError("no text")
    if ("choices" in f) + ("next" in f) + ("ending" in f) != 1:
        raise UnsureError("way on")
    choices = _choices(f["choices"]) if "choices" in f else ()
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
    return Node(
        id=nid, text=_text(f["text"]) if "text" in f else "",
        lines=tuple(_line(li) for li in _list(f["lines"])) if "lines" in f else (),
        choices=choices, next=_ident(f["next"]) if "next" in f else None, ending=ending,
        reflect=tuple(_prompt(p) for p in _list(f["reflect"])) if "reflect" in f else (),
        facilitator=_facilitator(f["facilitator"]) if "facilitator" in f else FacilitatorNotes(),
        content_warnings=_texts(f["content_warnings"]) if "content_warnings" in f else (),
        fixed_order=fixed,
    )


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise UnsureError("list")
    return value


def _line(value: Any) -> SpeakerLine:
    f = _fields(value, _LINE, _LINE_NEEDS)
    if "allow_terms" in f:
        _texts(f["allow_terms"])
    return SpeakerLine(_text(f["speaker"]), _text(f["text"]))


def _prompt(value: Any) -> ReflectionPrompt:
    f = _fields(value, _PROMPT, _PROMPT)
    return ReflectionPrompt(_ident(f["id"]), _text(f["prompt"]))


def _facilitator(value: Any) -> FacilitatorNotes:
    f = _fields(value, _FACILITATOR)
    return FacilitatorNotes(_text(f["notes"]) if "notes" in f else "",
                            _texts(f["discuss"]) if "discuss" in f else ())


def _choices(value: Any) -> tuple[Choice, ...]:
    items = _list(value)
    if not MIN_CHOICES <= len(items) <= MAX_CHOICES:
        raise UnsureError("choice count")
    choices = tuple(_choice(c) for c in items)
    if len({c.id for c in choices}) != len(choices) or all(c.role.is_drift for c in choices):
        raise UnsureError("choices")
    return choices


def _choice(value: Any) -> Choice:
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
    return Choice(_ident(f["id"]), _text(f["text"]), role,
                  Feedback(_text(ff["why"]), _text(ff["better"]) if "better" in ff else ""),
                  _ident(f["next"]), MappingProxyType(effects))


def _check_graph(nodes: dict[str, Node], start: str) -> None:
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
