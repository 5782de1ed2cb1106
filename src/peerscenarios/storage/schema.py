"""Whether a database file has the tables and columns PeerScenarios needs, judged before writing."""

from __future__ import annotations

from collections.abc import Mapping

from peerscenarios.storage.models import Base

# The tables every revision since 0001 has had (the search index included).
# A future revision that adds a table must not add it here: older databases
# and backups without it are still complete for their own revision.
BASE_TABLES = frozenset({
    "profile", "attempt", "choice_event", "attempt_role_count", "reflection",
    "reflection_draft", "group_session", "group_decision", "reflection_fts",
})


def schema_problem(tables: Mapping[str, frozenset[str]], *, at_head: bool) -> str | None:
    """What is missing from a database with these ``tables`` (name -> columns), or None.

    Any revision must have :data:`BASE_TABLES`. A database at this version's
    head revision must also have every table and column the models describe,
    so a dropped or rebuilt table is found at open, not by a failing write
    later. The answer is a short phrase for a message ("the table X is missing").
    """
    missing = sorted(BASE_TABLES - tables.keys())
    if at_head:
        missing += sorted(set(Base.metadata.tables) - tables.keys() - BASE_TABLES)
    if missing:
        return f"{_named('the table', missing)} {'are' if len(missing) > 1 else 'is'} missing"
    if not at_head:
        return None
    for name, table in Base.metadata.tables.items():
        lacking = sorted(c.name for c in table.columns if c.name not in tables[name])
        if lacking:
            return f"the table {name} lacks {_named('the column', lacking)}"
    return None


def _named(what: str, names: list[str]) -> str:
    return f"{what}{'s' if len(names) > 1 else ''} {', '.join(names)}"
