"""The YAML walker: typed getters over composed YAML nodes that report problems where they sit.

Every getter returns a usable value or None, and reports why not at the
node's own line and column. A walker is a *scope*: the file, the scenario id
and the node id its diagnostics are labelled with. ``within`` gives a walker
for a narrower scope that writes to the same diagnostic and span lists, so a
node's id travels down explicitly instead of being set and reset as state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from peerscenarios.core.diagnostics import Diagnostic, Severity
from peerscenarios.core.validate import codes
from peerscenarios.core.validate.common import Pos, TextSpan, suggest
from peerscenarios.core.validate.keys import ID_RE

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
# A date such as 2026-03-01 resolves to timestamp; as text it keeps the digits as written.
_SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL, _T + "timestamp"}

# Used only to work out what YAML 1.1 made of a number (017 -> 15), to tell the author.
_CTOR = yaml.constructor.SafeConstructor()

# A whole number as a person writes it: no leading zero, no base prefix, no colons.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)\Z")
_MAX_DIGITS = 20

# A mapping's fields: key -> (key node, value node).
Fields = dict[str, tuple[yaml.Node, yaml.Node]]


def pos(node: yaml.Node) -> Pos:
    """Where a composed node starts, 1-based."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def describe(node: yaml.Node) -> str:
    """How a value reads to an author: 'a list', 'nothing', or the value in quotes."""
    if isinstance(node, yaml.MappingNode):
        return "a set of 'key: value' lines"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "nothing"
    value = " ".join(str(node.value).split())
    # A whole paragraph in a message hides the point; the line number finds the rest.
    return f"'{value[:57]}…'" if len(value) > 60 else f"'{value}'"


@dataclass
class Walker:
    """Reads one composed document; diagnostics and text spans collect in shared lists."""

    path: str
    diags: list[Diagnostic] = field(default_factory=list)
    spans: list[TextSpan] = field(default_factory=list)
    scenario_id: str = ""
    node_id: str = ""

    def within(self, *, scenario_id: str | None = None, node_id: str | None = None) -> Walker:
        """A walker for a narrower scope, sharing this one's diagnostics and spans."""
        return Walker(self.path, self.diags, self.spans,
                      self.scenario_id if scenario_id is None else scenario_id,
                      self.node_id if node_id is None else node_id)

    # -- reporting -------------------------------------------------------

    def report(self, node: yaml.Node | None, message: str, code: str,
               severity: Severity = Severity.ERROR, *, at: Pos = (1, 1)) -> None:
        """Record a problem at ``node`` (or at ``at`` when there is no node)."""
        line, col = pos(node) if node is not None else at
        self.diags.append(Diagnostic(self.path, line, col, severity, message, code,
                                     self.scenario_id, self.node_id))

    # -- structure -------------------------------------------------------

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> Fields | None:
        """Check a mapping's keys (unknown, duplicate) and return key -> (key node, value)."""
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} should be a set of 'key: value' lines, "
                              f"not {describe(node)}", codes.WRONG_TYPE)
            return None
        out: Fields = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                self.report(knode, f"a key in {what} must be a plain word", codes.WRONG_TYPE)
                continue
            key = knode.value
            if key in out:
                # The first one is kept: PyYAML would silently keep the last.
                first = out[key][0].start_mark.line + 1
                self.report(knode, f"'{key}' appears twice in {what} (first on line {first}); "
                                   "the second would silently replace the first",
                            codes.DUPLICATE_KEY)
                continue
            if key not in allowed:
                self.report(knode, f"unknown key '{key}' in {what}{suggest(key, allowed)}",
                            codes.UNKNOWN_KEY)
                continue
            out[key] = (knode, vnode)
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node] | None:
        """Return a sequence's items, or report that it is not a list."""
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"{what} should be a list (lines starting with '- '), "
                              f"not {describe(node)}", codes.WRONG_TYPE)
            return None
        return list(node.value)

    def require(self, fields: Fields, names: tuple[str, ...], where: yaml.Node,
                what: str) -> bool:
        """Report each of ``names`` missing from ``fields``; True if none is."""
        ok = True
        for name in names:
            if name not in fields:
                self.report(where, f"{what} has no '{name}'", codes.MISSING_FIELD)
                ok = False
        return ok

    # -- single values ---------------------------------------------------

    def scalar(self, node: yaml.Node, what: str) -> yaml.ScalarNode | None:
        """A single value with one of YAML's plain tags, or None (reported)."""
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, f"{what} should be a single value, not {describe(node)}",
                        codes.WRONG_TYPE)
            return None
        # !!python/... and custom tags are refused here, whatever they would construct.
        if node.tag not in _SCALAR_TAGS:
            self.report(node, f"{what} uses the tag '{node.tag}', which is not allowed",
                        codes.WRONG_TYPE)
            return None
        return node

    def text(self, node: yaml.Node, what: str, *, required: bool = True,
             field_name: str = "", allow: frozenset[str] = frozenset()) -> str | None:
        """A text field: strings, with YAML 1.1 traps reported. None if unusable.

        With ``field_name`` the text is also kept as a span for the language lint.
        """
        s = self.scalar(node, what)
        if s is None:
            return None
        # Only unquoted values are traps: a quoted "yes" is the word the author typed.
        plain = s.style in (None, "")
        # Only plain values fall into YAML 1.1's traps; quoted ones are text as written.
        if s.tag == BOOL and plain:
            self.report(s, f"{what} '{s.value}' is read by YAML as true/false, not as text; "
                           f"write it in quotes: \"{s.value}\"", codes.YAML11_TRAP)
            return None
        if s.tag == FLOAT and plain and not _float_round_trips(s.value):
            self.report(s, f"{what} {s.value} is read by YAML as the number "
                           f"{_as_float(s.value)}; write it in quotes: \"{s.value}\"",
                        codes.YAML11_TRAP)
            return None
        # 'text:' with nothing after it is YAML's null: for an author that is empty text.
        value = "" if s.tag == NULL and plain else s.value
        value = value.strip()
        if not value:
            if required:
                self.report(s, f"{what} is empty", codes.EMPTY_TEXT)
            return None
        if field_name:
            line, col = pos(s)
            self.spans.append(TextSpan(value, line, col, self.node_id, field_name, allow))
        return value

    def integer(self, node: yaml.Node, what: str) -> int | None:
        """A whole number written plainly, or None (reported).

        YAML 1.1 reads ``017`` as 15 (octal), ``0x0F`` as 15 and ``1:00`` as 60;
        an author who wrote them meant something else, so they are reported.
        """
        s = self.scalar(node, what)
        if s is None:
            return None
        if s.tag != INT:
            quoted = s.style in ("'", '"') and _DECIMAL.match(s.value.strip())
            hint = ": write it without quotes" if quoted else ""
            shown = f"{s.style}{s.value}{s.style}" if quoted else f"'{s.value}'"
            self.report(s, f"{what} should be a whole number, not {shown}{hint}",
                        codes.WRONG_TYPE)
            return None
        digits = s.value.lstrip("+-").replace("_", "")
        if len(digits) > _MAX_DIGITS:
            # Python refuses to turn more than 4,300 digits into an int; no field needs 20.
            self.report(s, f"{what} should be a small whole number, not one with "
                           f"{len(digits):,} digits", codes.OUT_OF_RANGE)
            return None
        if not _DECIMAL.match(s.value):
            read = _CTOR.construct_yaml_int(s)
            if isinstance(read, int) and s.value.lstrip("+-").isdigit() and read == int(s.value):
                return read  # '05' reads as 5 either way
            self.report(s, f"{what} {s.value} is read by YAML as {_int_reading(s.value, read)}; "
                           f"write a plain whole number{_plain_hint(s.value)}",
                        codes.YAML11_TRAP)
            return None
        return int(s.value.replace("_", ""))

    def string_list(self, node: yaml.Node, what: str, field_name: str = "") -> tuple[str, ...]:
        """A list of text items; unusable items are reported and left out."""
        items = self.sequence(node, what)
        if items is None:
            return ()
        out = []
        for item in items:
            v = self.text(item, f"an item of {what}", field_name=field_name)
            if v is not None:
                out.append(v)
        return tuple(out)

    def ident(self, node: yaml.Node, what: str) -> str | None:
        """An id (lowercase letters, digits, inner hyphens), or None (reported)."""
        value = self.text(node, what)
        if value is None:
            return None
        if not ID_RE.match(value):
            self.report(node, f"{what} '{value}' {_id_trouble(value)}; an id uses lowercase "
                              "letters, digits and hyphens (not first or last), at most 64 "
                              "characters", codes.BAD_ID)
            return None
        return value

    def allow_terms(self, fields: Fields) -> frozenset[str]:
        """The lowercased ``allow_terms`` of a node, line or choice (empty if absent)."""
        if "allow_terms" not in fields:
            return frozenset()
        return frozenset(t.lower() for t in self.string_list(fields["allow_terms"][1],
                                                             "allow_terms"))


def _as_float(value: str) -> str:
    try:
        return repr(float(value.replace("_", "")))
    except ValueError:
        return ""


def _float_round_trips(value: str) -> bool:
    # '2.5' reads back as 2.5, so it may stay text; '1.10' would come back as '1.1'.
    return _as_float(value) == value


def _int_reading(value: str, read: object) -> str:
    """How YAML 1.1 reads a number that is not plain decimal, in an author's words."""
    bare = value.lstrip("+-").lower()
    if ":" in bare:
        return f"{read} (it counts '{value}' in sixties, like a clock)"
    if bare.startswith("0x"):
        return f"the hexadecimal number {read}"
    if bare.startswith("0b"):
        return f"the binary number {read}"
    return f"{read} (a number starting with 0 is counted in eights)"


def _plain_hint(value: str) -> str:
    bare = value.lstrip("+-")
    if bare.startswith("0") and bare.isdigit():
        return f", such as {value[: len(value) - len(bare)]}{int(bare)}"
    return ""


def _id_trouble(value: str) -> str:
    """What is wrong with an id, in an author's words (the first reason found)."""
    if not value.isprintable():
        hidden = next(ch for ch in value if not ch.isprintable())
        return (f"contains an invisible character (U+{ord(hidden):04X}), often pasted along "
                "with text: retype the id")
    if any(ch.isupper() for ch in value):
        return "has capital letters"
    if any(ch.isspace() for ch in value):
        return "has spaces"
    if value.startswith("-") or value.endswith("-"):
        return "starts or ends with a hyphen"
    if len(value) > 64:
        return f"is {len(value)} characters long"
    odd = sorted({ch for ch in value if not (ch.isascii() and (ch.isalnum() or ch == "-"))})
    return "has the character(s) " + " ".join(odd)
