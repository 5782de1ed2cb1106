"""Diagnostics: one problem found in a scenario file, with where it is and a stable code."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass
from enum import StrEnum

from peerscenarios.core.validate import codes as _codes


class Severity(StrEnum):
    """Errors stop a scenario loading; warnings are shown but the scenario still plays."""

    ERROR = "error"
    WARNING = "warning"


# Every code the validator can emit, with a short title (the table lives with the
# validator; docs/scenario-format.md lists the same). Codes never change meaning.
CODES = _codes.CODES


def printable(text: str) -> str:
    """``text`` safe to print on one terminal line: invisible characters shown as <U+XXXX>.

    A file can hold bidi controls (U+202E turns the rest of a line around) and
    zero-width characters; printed raw, they could make a diagnostic say
    something other than it does. Line breaks and tabs become spaces.
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch in "\t\n\r" or unicodedata.category(ch) == "Zs":
            out.append(" ")
        else:
            out.append(f"<U+{ord(ch):04X}>")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: file, 1-based line and column, severity, message and code.

    Text that came from a file (the path, ids, quoted values) is made
    printable when the diagnostic is made, so no caller can print it raw.
    """

    file: str
    line: int
    col: int
    severity: Severity
    message: str
    code: str
    scenario_id: str = ""
    node_id: str = ""

    def __post_init__(self) -> None:
        # Cleaned once here (object.__setattr__, as the class is frozen) rather than at
        # each place that prints: the CLI, the JSON output and the Library's problem list.
        for name in ("file", "message", "scenario_id", "node_id"):
            value = getattr(self, name)
            if not value.isprintable():
                object.__setattr__(self, name, printable(value))

    def format(self) -> str:
        """``FILE:LINE:COL: error|warning: MESSAGE [CODE]``, the line the CLI prints."""
        where = f"{self.file}:{self.line}:{self.col}"
        return f"{where}: {self.severity.value}: {self.message} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly dict (severity as its string value)."""
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


def diagnostics_to_json(diags: list[Diagnostic]) -> str:
    """Serialise diagnostics as a JSON array, one object per problem."""
    return json.dumps([d.to_dict() for d in diags], indent=2, ensure_ascii=False)
