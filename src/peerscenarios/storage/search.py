"""Turning whatever the user typed into a safe FTS5 query, and splitting snippets for display."""

from __future__ import annotations

import re

# Markers put around matches by FTS5's snippet(); control characters that
# typed text never contains, so splitting on them is unambiguous.
MATCH_START = "\x02"
MATCH_END = "\x03"
MAX_WORDS = 16

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(user_text: str) -> str | None:
    """Build an FTS5 MATCH expression that treats ``user_text`` as plain words.

    Every word is quoted, so FTS5 syntax (quotes, AND/OR/NOT/NEAR, parentheses,
    column filters, ``*``, ``^``) is never interpreted; all words must appear
    and the last one also matches as a prefix, so results follow typing.
    Returns None when there is no word to search for.
    """
    words = _WORD.findall(user_text.replace(MATCH_START, " ").replace(MATCH_END, " "))
    words = [w for w in words if w.strip("_")][:MAX_WORDS]
    if not words:
        return None
    # \w+ never contains a double quote, so wrapping in quotes is a full escape.
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def split_snippet(snippet: str) -> tuple[str, tuple[tuple[str, bool], ...]]:
    """Split a marked snippet into plain text and (text, is_match) parts."""
    parts: list[tuple[str, bool]] = []
    for i, outer in enumerate(snippet.split(MATCH_START)):
        if i == 0:
            if outer:
                parts.append((outer, False))
            continue
        inner, _, rest = outer.partition(MATCH_END)
        if inner:
            parts.append((inner, True))
        if rest:
            parts.append((rest, False))
    return "".join(p for p, _ in parts), tuple(parts)
