"""Strict readers for JSON that comes back from the server or a file: every field typed.

A payload is data someone else's program may have written (another version,
a hand-edited file, a damaged download), so each reader checks the type of
every field and says which one is wrong, instead of failing deep inside a
renderer later.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any


class PayloadInvalid(ValueError):  # noqa: N818 (read as "payload invalid", like storage's NotFound)
    """A payload does not have the expected shape; ``args[0]`` names the field."""


def obj(value: Any, where: str) -> Mapping[str, Any]:
    """``value`` as a JSON object."""
    if not isinstance(value, Mapping):
        raise PayloadInvalid(f"{where}: expected an object")
    return value


def items(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    """The list at ``data[key]``."""
    value = data.get(key)
    if not isinstance(value, list):
        raise PayloadInvalid(f"{where}.{key}: expected a list")
    return value


def text(data: Mapping[str, Any], key: str, where: str) -> str:
    """The string at ``data[key]``."""
    value = data.get(key)
    if not isinstance(value, str):
        raise PayloadInvalid(f"{where}.{key}: expected text")
    return value


def opt_text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    """The string at ``data[key]``, or None."""
    return None if data.get(key) is None else text(data, key, where)


def integer(data: Mapping[str, Any], key: str, where: str) -> int:
    """The whole number at ``data[key]`` (not a bool)."""
    value = data.get(key)
    # A bool is an int in Python: JSON true must not pass as the number 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise PayloadInvalid(f"{where}.{key}: expected a whole number")
    return value


def opt_integer(data: Mapping[str, Any], key: str, where: str) -> int | None:
    """The whole number at ``data[key]``, or None."""
    return None if data.get(key) is None else integer(data, key, where)


def boolean(data: Mapping[str, Any], key: str, where: str) -> bool:
    """The true/false value at ``data[key]``."""
    value = data.get(key)
    if not isinstance(value, bool):
        raise PayloadInvalid(f"{where}.{key}: expected true or false")
    return value


def moment(data: Mapping[str, Any], key: str, where: str) -> datetime:
    """The ISO 8601 date and time (with offset) at ``data[key]``."""
    raw = text(data, key, where)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise PayloadInvalid(f"{where}.{key}: not a date and time") from exc
    # Without an offset a time would be read in the reader's own zone: a facilitator in
    # another zone would see the wrong hour.
    if value.tzinfo is None:
        raise PayloadInvalid(f"{where}.{key}: the time has no UTC offset")
    return value


def opt_moment(data: Mapping[str, Any], key: str, where: str) -> datetime | None:
    """Like :func:`moment`, or None."""
    return None if data.get(key) is None else moment(data, key, where)


def opt_day(data: Mapping[str, Any], key: str, where: str) -> date | None:
    """The ISO date (YYYY-MM-DD) at ``data[key]``, or None."""
    if data.get(key) is None:
        return None
    try:
        return date.fromisoformat(text(data, key, where))
    except ValueError as exc:
        raise PayloadInvalid(f"{where}.{key}: not a date") from exc


def iso(value: datetime | date | None) -> str | None:
    """A date or time as ISO 8601 text (None stays None)."""
    return None if value is None else value.isoformat()
