"""yaml-rs, the library's quick YAML reader: which files it may read, and reading them.

yaml-rs reads YAML 1.2 where PyYAML (and so the full walk) reads YAML 1.1, and
it gives no positions. So it reads only a file whose text rules out every way
the two could differ (``plainly_written``); the fast path then checks each
value it uses, asking ``was_quoted`` about text YAML 1.1 would read otherwise.

yaml-rs (0.1.6) crashes the process with a segmentation fault when the thread
that imported it has ended before its first use, which is what would happen
if the app's library load, which runs on a worker thread of a pool, imported
it. So only the main thread imports it: the app does so just after its first
paint, the command line and the tests when they first read a file. Until
then a worker reads files from libyaml's events, which gives the same result
a little more slowly.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from typing import Any

loads: Callable[..., Any] | None = None  # yaml_rs.loads, once imported
NO_DUPLICATES: Any = None  # its policy that makes a repeated key an error
_CACHE_LIMIT = 20_000  # answers remembered by was_quoted


def ready() -> bool:
    """True if yaml-rs can be used from this thread (importing it, on the main thread)."""
    global loads, NO_DUPLICATES
    if loads is not None:
        return True
    if "yaml_rs" not in sys.modules and threading.current_thread() is not threading.main_thread():
        return False
    try:
        from yaml_rs import DuplicateKeyPolicy
        from yaml_rs import loads as rs_loads
    except ImportError:  # pragma: no cover - an install without it reads every file by events
        return False
    NO_DUPLICATES = DuplicateKeyPolicy.Error
    loads = rs_loads
    return True


# -- which files it may read ------------------------------------------------------

# Characters only a file needing the full walk has: anchors, tags, tabs, line breaks
# other than "\n" (PyYAML counts them as new lines), a byte-order mark.
AVOID = ("&", "!", "\t", "\r", "\x85", "\u2028", "\u2029", "\ufeff")
# Numbers the two YAML versions read differently: 017, 0o17, 0x1F, -0, +5, 1_000. Each
# pattern starts with a fixed character, which the regex engine finds quickly; whether
# a "0x" starts a value (not "bench-00") is then decided by the character before it.
_ZERO_ON = re.compile(r"0\w")
_MINUS_ZERO = re.compile(r"-0")
_VALUE_START = frozenset(" \n[{,:?")
_PLUS_DIGIT = re.compile(r"\+[0-9]")
DIGITS = frozenset("0123456789")
# A line at column 1 that is not blank, a comment, a top-level "key:" or a list item
# ("nodes:" then "- id: ..." is a common way to write it): a second document, a
# directive, a quoted key... The text is searched with a newline in front, so the
# first line is a line like the rest.
_ODD_TOP_LINE = re.compile(r"\n(?!\Z|[\n #]|-[ \n]|[A-Za-z_][\w-]*[ ]*:(?:[ \n]|\Z))")
_TOP_ID = re.compile(r"\nid[ ]*:")


def plainly_written(lined: str) -> bool:
    """True if nothing in the text (with a newline in front) needs the events reader."""
    if any(c in lined for c in AVOID) or _ODD_TOP_LINE.search(lined) is not None:
        return False
    if "+" in lined and _PLUS_DIGIT.search(lined) is not None:
        return False
    at = lined.find("_")
    while at != -1:
        if lined[at - 1] in DIGITS:
            return False
        at = lined.find("_", at + 1)
    for match in _ZERO_ON.finditer(lined):
        at = match.start()
        before = lined[at - 1]
        if before in "+-":
            before = lined[at - 2]
        if before in _VALUE_START:
            return False
    return not any(lined[m.start() - 1] in _VALUE_START for m in _MINUS_ZERO.finditer(lined))


def read(text: str, lined: str) -> tuple[dict[Any, Any], tuple[int, int]] | None:
    """The document as plain values and where its top-level id is; None if unsure."""
    assert loads is not None
    try:
        root = loads(text, parse_datetime=False, duplicate_key_policy=NO_DUPLICATES)
    except Exception:  # a syntax error, a repeated key, anything: the full walk says
        return None
    ids = [m.start() for m in _TOP_ID.finditer(lined)]
    if type(root) is not dict or len(ids) != 1:
        return None
    # The values' types are checked where the fast path uses them (its _text, _number...).
    # The id's line: the newlines before it in the text (the one put in front included).
    return root, (lined.count("\n", 0, ids[0] + 1), 1)


def was_quoted(value: str) -> bool:
    """True if yaml-rs reads the bare word as a number or null: then this text was quoted.

    ("1.1" or "" in quotes are text to both readers; a bare yes, 1:30 or a date is
    text to yaml-rs alone, so those stay unsure.)
    """
    if loads is None:
        return True  # then every file so far was read by events, which resolved bare words
    found = _QUOTED.get(value)
    if found is None:
        try:
            found = loads(value, parse_datetime=False).__class__ is not str
        except Exception:
            found = False
        if len(value) <= 64 and len(_QUOTED) <= _CACHE_LIMIT:
            _QUOTED[value] = found
    return found


_QUOTED: dict[str, bool] = {}
