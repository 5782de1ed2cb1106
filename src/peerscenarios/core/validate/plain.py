"""Reading a scenario file into plain values (dicts, lists, str, int) for the fast path.

Two readers: yaml-rs (``quick``) for a plainly written file, else libyaml's
parser events placed by hand. Either way anything the reader is not sure of
raises ``UnsureError``, and the full, position-aware walk decides instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml._yaml import CParser

from peerscenarios.core import safeyaml
from peerscenarios.core.validate import quick
from peerscenarios.core.validate.common import Pos

_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_INT = "tag:yaml.org,2002:int"
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,19})\Z")
# Resolving a plain scalar's type runs a few regular expressions; keys and short
# values repeat across a library, so the answers are remembered (within a bound).
PLAIN: dict[str, str | int | None] = {}
PLAIN_LIMIT = 20_000
# Strings whose first character can make YAML 1.1 read a plain scalar as another type.
RISKY_START = frozenset(_RESOLVERS) - {None}
BIG = 10**20  # a whole number this long is left to the full walk
MISSING = object()


class UnsureError(Exception):
    """Anything the fast path does not accept as certainly clean; the full walk decides."""


# -- choosing the reader ---------------------------------------------------------------
#
# yaml-rs builds the plain values in compiled code, about three times faster than
# libyaml's events reach Python. It reads YAML 1.2, where PyYAML (and so the full
# walk) reads YAML 1.1, and it gives no positions; so it is used only for a file
# whose text rules out every way the two could differ, and its values are checked
# where the fast path uses them (its _text, _number, _fields). Anything else, or any
# doubt, goes to the events reader. The reader and its checks of the text: ``quick``.


def load(text: str) -> tuple[Any, Pos]:
    """The document as dicts, lists, str and int, and where its top-level 'id' key is."""
    if safeyaml.deep_or_suspicious(text):
        raise UnsureError("nesting")
    if quick.loads is not None or quick.ready():
        lined = "\n" + text
        if quick.plainly_written(lined):
            found = quick.read(text, lined)
            if found is None:
                raise UnsureError("yaml-rs")  # a syntax error, a repeated key, another shape
            return found
    return load_events(text)


# -- events to plain values -----------------------------------------------------------


def _plain(value: str) -> str | int:
    """A plain scalar as YAML 1.1 reads it: text, a plainly written whole number, or UnsureError."""
    found = PLAIN.get(value, PLAIN)
    if found is PLAIN:
        found = resolve(value)
        if len(PLAIN) > PLAIN_LIMIT:
            PLAIN.clear()
        if len(value) <= 64:
            PLAIN[value] = found
    if found is None:
        raise UnsureError(value)
    return found  # type: ignore[return-value]  # the sentinel was replaced above


def resolve(value: str) -> str | int | None:
    """How YAML 1.1 reads a bare word: as itself, a plainly written whole number, or None."""
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


def load_events(text: str) -> tuple[Any, Pos]:
    """The document read from libyaml's events (any file the quick reader may not read)."""
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


def _build(get: Callable[[], Any], *, marked: bool) -> tuple[Any, Pos]:
    """Place each event's value; this loop is most of the fast path, so it is kept plain."""
    get()  # the stream's start
    if get().__class__ is not _DOC_START:
        raise UnsureError("empty")
    known = PLAIN
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
                found = known.get(value, MISSING)
                value = _plain(value) if found is MISSING or found is None else found
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
