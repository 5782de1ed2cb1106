"""YAML syntax errors in plain language, located at the line the author has to change.

libyaml says *where it noticed* a problem, in parser terms ("mapping values
are not allowed in this context"). Authors need *what to change, and where*:
a tab, a colon inside unquoted text, a quote never closed, a line indented
differently from the lines it belongs with. This module reads the lines
around libyaml's position and says that; anything it does not recognise keeps
libyaml's own words after a plain-language lead.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import yaml

from peerscenarios.core.validate import codes
from peerscenarios.core.validate.common import Pos
from peerscenarios.core.validate.keys import (
    CHOICE_KEYS,
    ENDING_KEYS,
    FACILITATOR_KEYS,
    FEEDBACK_KEYS,
    LINE_KEYS,
    NODE_KEYS,
    PROMPT_KEYS,
    SCENARIO_KEYS,
)

# The line breaks an editor shows. libyaml also breaks lines at U+2028, U+2029
# and U+0085, which editors do not, so positions are recomputed from here.
_BREAK = re.compile(r"\r\n|\r|\n")
# A 'key:' as YAML reads one: a plain word (not a quote, bracket or indicator first),
# then a colon followed by a space or the end of the line.
_KEY = re.compile(r"""(?P<dash>-\s+)?(?P<key>[^\s#'"\[\]{}|>&*!%@`-][^:#]*?)\s*:(?:\s|$)""")
# '|' or '>' with optional chomping and indentation digits: the lines below are text.
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*\s*(?:#.*)?$")
_FORMAT_KEYS = frozenset(SCENARIO_KEYS + NODE_KEYS + CHOICE_KEYS + LINE_KEYS + FEEDBACK_KEYS
                         + ENDING_KEYS + PROMPT_KEYS + FACILITATOR_KEYS)
# How far back an unclosed quote or a misplaced line is looked for.
_LOOK_BACK = 40


class Lines:
    """A text's lines as an editor numbers them, and positions from character offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        self.lines = _BREAK.split(text)

    def position(self, index: int) -> Pos:
        """The 1-based (line, column) of a character offset."""
        i = bisect.bisect_right(self.starts, index) - 1
        return i + 1, index - self.starts[i] + 1

    def line(self, number: int) -> str:
        """The text of a 1-based line ('' past the end)."""
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""


@dataclass(frozen=True, slots=True)
class Explained:
    """A syntax problem as the author should read it."""

    line: int
    col: int
    message: str
    code: str = codes.YAML_SYNTAX


def explain(lines: Lines, exc: yaml.MarkedYAMLError) -> Explained:
    """Turn libyaml's error into a message saying what to change, and on which line."""
    mark = exc.problem_mark or exc.context_mark
    where = lines.position(mark.index) if mark is not None else (1, 1)
    ctx = lines.position(exc.context_mark.index) if exc.context_mark is not None else None
    problem = exc.problem or ""
    context = exc.context or ""
    for rule in (_tab, _reserved_start, _second_document, _alias, _colon_in_text,
                 _unclosed_quote, _unclosed_flow, _missing_colon, _indentation):
        found = rule(lines, where, ctx, problem, context)
        if found is not None:
            return found
    said = f"{context}, {problem}" if context and problem else problem or context or str(exc)
    return Explained(*where, f"line {where[0]} is not valid YAML here: check the indentation "
                             f"and the quotes on this line and the one above it (YAML says: "
                             f"{said})")


# -- the rules, most specific first ---------------------------------------------


def _tab(lines: Lines, where: Pos, _ctx: Pos | None, problem: str,
         _context: str) -> Explained | None:
    """A tab in the indentation of the line libyaml stopped at (or the one before)."""
    for number in (where[0], _previous_content(lines, where[0])):
        text = lines.line(number)
        lead = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in lead or (number == where[0] and "tab" in problem):
            col = lead.index("\t") + 1 if "\t" in lead else where[1]
            return Explained(number, col, f"line {number} starts with a tab: YAML needs spaces "
                                          "for indentation. Replace the tab with spaces (most "
                                          "editors can insert spaces when you press Tab)")
    return None


def _reserved_start(lines: Lines, where: Pos, _ctx: Pos | None, problem: str,
                    _context: str) -> Explained | None:
    if "cannot start any token" not in problem:
        return None
    char = lines.line(where[0])[where[1] - 1: where[1]]
    if char not in ("@", "`"):
        return None
    key, value = _key_and_value(lines.line(where[0]))
    fix = f": write {key}: {_quoted(value)}" if key else ""
    return Explained(*where, f"line {where[0]}: YAML does not allow text to start with '{char}'; "
                             f"put the whole text in double quotes{fix}")


def _second_document(_lines: Lines, where: Pos, _ctx: Pos | None, problem: str,
                     _context: str) -> Explained | None:
    if "another document" not in problem:
        return None
    return Explained(*where, f"line {where[0]} starts a second YAML document ('---'); a "
                             "scenario file holds exactly one scenario. Remove the line, and "
                             "move what follows it to a file of its own")


def _alias(_lines: Lines, where: Pos, _ctx: Pos | None, problem: str,
           _context: str) -> Explained | None:
    if "alias" not in problem:
        return None
    return Explained(*where, "anchors and aliases (&name / *name) are not allowed; write the "
                             "text out in full", codes.ALIAS)


def _colon_in_text(lines: Lines, where: Pos, _ctx: Pos | None, problem: str,
                   _context: str) -> Explained | None:
    """'key: some text: more' - the second colon starts a mapping YAML cannot place."""
    if "mapping values are not allowed" not in problem:
        return None
    text = lines.line(where[0])
    key, value = _key_and_value(text)
    info = _info(text)
    if info.key is None and not info.item:
        # More lines of unquoted text, one of them with ': ' in it.
        return Explained(*where, f"a colon inside unquoted text on line {where[0]}: YAML reads "
                                 "': ' as the start of another 'key: value'. Put the whole "
                                 "text in double quotes, or write it after '|' on lines of "
                                 "its own")
    # Only when this line already has its key before the offending colon; otherwise the
    # line itself is out of place (an indentation problem).
    if key is None or text.find(":") >= where[1] - 1:
        return None
    curly = bool(value) and value[0] in "“”‘’„"
    hint = (" Curly quotes (“ ”) are ordinary characters to YAML: use straight ones."
            if curly else "")
    return Explained(where[0], where[1],
                     f"a colon inside unquoted text on line {where[0]}: YAML reads ': ' as the "
                     f"start of another 'key: value'. Put the whole text in double quotes: "
                     f"{key}: {_quoted(value.strip('“”‘’„'))}{hint}")


def _unclosed_quote(lines: Lines, where: Pos, _ctx: Pos | None, problem: str,
                    context: str) -> Explained | None:
    """A quoted text whose closing quote is missing: YAML read on into the next lines."""
    if not ("expected key" in problem or "expected ':'" in problem
            or "quoted scalar" in context or "end of stream" in problem):
        return None
    opened = _open_quote_at(lines, where[0])
    if opened is None:
        return None
    number, col, quote = opened
    return Explained(number, col, f"the text that starts with {quote} on line {number} has no "
                                  f"closing {quote}: add one at the end of the text (without "
                                  f"it, YAML reads on into line {number + 1})")


def _unclosed_flow(lines: Lines, where: Pos, ctx: Pos | None, problem: str,
                   context: str) -> Explained | None:
    if "flow" not in context or ctx is None:
        return None
    opener = lines.line(ctx[0])[ctx[1] - 1: ctx[1]] or "["
    closer = "]" if opener == "[" else "}"
    if closer not in lines.line(ctx[0])[ctx[1]:]:
        return Explained(*ctx, f"the list that starts with '{opener}' on line {ctx[0]} is not "
                               f"closed: add '{closer}' at its end")
    return Explained(*where, f"line {where[0]}: inside '{opener} {closer}', items are "
                             "separated by commas; text with a comma or colon goes in quotes")


def _missing_colon(lines: Lines, where: Pos, ctx: Pos | None, problem: str,
                   _context: str) -> Explained | None:
    """A line that starts with one of the format's keys but has no colon after it."""
    if "expected ':'" not in problem or ctx is None:
        return None
    text = lines.line(ctx[0])
    info = _info(text)
    word = text.strip().removeprefix("- ").split(" ", 1)[0]
    if info.key is not None or word not in _FORMAT_KEYS:
        return None  # not a key at all: more likely text that goes on (indentation rule)
    return Explained(ctx[0], info.indent + 1,
                     f"line {ctx[0]} is not 'key: value': a colon is missing after "
                     f"'{word}' (write '{word}: ...'), or, if the line goes on with the text "
                     "of the line above, put that text in double quotes")


# -- indentation ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Info:
    number: int
    indent: int
    item: bool  # starts with '- '
    key: str | None  # the key, for 'key: ...' and '- key: ...'
    key_col: int  # where the key starts (0-based), or the text after '- '
    leaf: bool  # has its value on the line, so nothing can go under it
    text: str


def _info(text: str, number: int = 0) -> _Info:
    body = text.lstrip(" ")
    indent = len(text) - len(body)
    item = body == "-" or body.startswith("- ")
    inner = body[2:].lstrip(" ") if item else body
    key_col = indent + (len(body) - len(inner))
    m = _KEY.match(inner)
    key = m.group("key") if m else None
    rest = inner[m.end():].strip() if m else inner.strip()
    leaf = bool(rest) and not rest.startswith("#") and not _BLOCK_SCALAR.match(rest)
    if key is None and item:
        leaf = bool(inner)
    return _Info(number, indent, item, key, key_col, leaf, body.rstrip())


def _content_lines(lines: Lines, last: int) -> list[_Info]:
    """Lines 1..last that carry structure: no blanks, comments or block-text content."""
    out: list[_Info] = []
    block_at: int | None = None  # indentation of the key that opened '|' or '>' text
    quote: str | None = None  # a quoted text that runs over several lines
    for number in range(1, last + 1):
        text = lines.line(number)
        stripped = text.strip()
        indent = len(text) - len(text.lstrip(" "))
        if quote is not None:
            if _odd_quotes(text, quote):
                quote = None
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if block_at is not None and indent > block_at:
            continue
        block_at = None
        info = _info(text, number)
        out.append(info)
        _key, value = _key_and_value(text)
        if value[:1] and value[0] in "\"'" and _odd_quotes(value, value[0]):
            quote = value[0]
        if _BLOCK_SCALAR.match(value):
            block_at = info.indent
    return out


def _indentation(lines: Lines, where: Pos, ctx: Pos | None, problem: str,
                 _context: str) -> Explained | None:
    """A line indented differently from the lines it belongs with."""
    number = ctx[0] if "expected ':'" in problem and ctx is not None else where[0]
    content = _content_lines(lines, number)
    if len(content) < 2:
        return None
    here, before = content[-1], content[-2]
    levels: list[_Info] = []  # the open levels before 'here', outermost first
    closed: dict[int, _Info] = {}  # indentation -> the last line at it that 'before' closed
    for info in content[:-1]:
        while levels and levels[-1].indent > info.indent:
            gone = levels.pop()
            if info is before:
                closed.setdefault(gone.indent, gone)
        if levels and levels[-1].indent == info.indent:
            levels[-1] = info
        else:
            levels.append(info)
    if here.key is None and not here.item:
        return _continuation(here, before)
    level = next((lv for lv in levels if lv.indent == here.indent), None)
    if level is not None and not (here.indent > before.indent and before.leaf):
        if level.item != here.item:
            return _wrong_kind(here, level)
        return None  # this line is where it should be; the problem is elsewhere
    if here.indent in closed and before.indent < here.indent:
        return _pulled_back(before, here, closed)
    return _misplaced(here, before, levels)


def _continuation(here: _Info, before: _Info) -> Explained:
    return Explained(here.number, here.indent + 1,
                     f"line {here.number} looks like more of the text on line {before.number}, "
                     "but it is not indented under it: put the whole text in double quotes, "
                     "or write it after '|' on lines indented further than the key")


def _wrong_kind(here: _Info, level: _Info) -> Explained:
    """A key where list items start, or a list item where keys start."""
    if here.item:
        return Explained(here.number, here.indent + 1,
                         f"the list item on line {here.number} starts in column "
                         f"{here.indent + 1}, like '{level.key}:' on line {level.number}; a "
                         "list that belongs under a key starts further right than the key")
    return Explained(here.number, here.indent + 1,
                     f"'{here.key}:' on line {here.number} starts in column {here.indent + 1}, "
                     f"where the '-' of the list items start (line {level.number}). If it "
                     f"belongs to that item, start it in column {level.key_col + 1}; if it "
                     "comes after the list, start it further left")


def _pulled_back(before: _Info, here: _Info, closed: dict[int, _Info]) -> Explained:
    """'before' starts left of the lines around it and cuts off what 'here' goes on with."""
    keyed = sorted((lv for lv in closed.values() if lv.key is not None),
                   key=lambda lv: lv.key_col)
    hint = ""
    if keyed and before.key is not None:
        mate = keyed[0]
        hint = (f" If '{before.key}:' belongs with '{mate.key}:' on line {mate.number}, start "
                f"it in column {mate.key_col + 1}")
    what = "list" if here.item else "lines"
    return Explained(before.number, before.indent + 1,
                     f"line {before.number} starts in column {before.indent + 1}, left of the "
                     f"lines around it, so it cuts off the {what} above it that line "
                     f"{here.number} goes on with.{hint}")


def _misplaced(here: _Info, before: _Info, levels: list[_Info]) -> Explained:
    """'here' starts in a column none of the lines it could belong with use."""
    if here.item:
        mates = [lv for lv in levels if lv.item]
        if mates:
            mate = min(mates, key=lambda lv: abs(lv.indent - here.indent))
            return Explained(here.number, here.indent + 1,
                             f"the list item on line {here.number} starts in column "
                             f"{here.indent + 1}, but the items of its list start in column "
                             f"{mate.indent + 1} (like line {mate.number}): line up the '-' "
                             "with them")
    keys = [(lv.key_col, lv) for lv in levels if lv.key is not None]
    if here.key is not None and keys:
        col, mate = min(keys, key=lambda k: (abs(k[0] - here.indent), -k[1].number))
        return Explained(here.number, here.indent + 1,
                         f"'{here.key}:' on line {here.number} starts in column "
                         f"{here.indent + 1}, but the keys it belongs with start in column "
                         f"{col + 1} (like '{mate.key}:' on line {mate.number}): keys that "
                         "belong together start in the same column")
    return Explained(here.number, here.indent + 1,
                     f"line {here.number} is indented differently from the lines it belongs "
                     f"with (line {before.number} starts in column {before.indent + 1}): "
                     "things that belong together start in the same column")


# -- small helpers ----------------------------------------------------------------


def _previous_content(lines: Lines, number: int) -> int:
    """The number of the closest line above ``number`` that is not blank or a comment."""
    for n in range(number - 1, max(0, number - _LOOK_BACK), -1):
        stripped = lines.line(n).strip()
        if stripped and not stripped.startswith("#"):
            return n
    return 0


def _key_and_value(text: str) -> tuple[str | None, str]:
    """A line's key (None if it has none) and the text after it."""
    body = text.lstrip(" ")
    if body.startswith("- "):
        body = body[2:].lstrip(" ")
    m = _KEY.match(body)
    if m is None:
        return None, body.strip()
    return m.group("key"), body[m.end():].strip()


def _odd_quotes(text: str, quote: str) -> bool:
    """True if ``text`` has an unbalanced ``quote`` (escapes and doubled quotes ignored)."""
    if quote == '"':
        return text.replace('\\\\', "").replace('\\"', "").count('"') % 2 == 1
    return text.replace("''", "").count("'") % 2 == 1


def _open_quote_at(lines: Lines, last: int) -> tuple[int, int, str] | None:
    """The line and column of a quoted text still open at line ``last``, if any."""
    opened: tuple[int, int, str] | None = None
    for number in range(max(1, last - _LOOK_BACK), last + 1):
        text = lines.line(number)
        if opened is not None:
            if _odd_quotes(text, opened[2]):
                opened = None
            continue
        _key, value = _key_and_value(text)
        if value[:1] and value[0] in "\"'" and _odd_quotes(value, value[0]):
            opened = (number, text.index(value) + 1, value[0])
    if opened is not None and opened[0] < last:
        return opened
    return None


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
