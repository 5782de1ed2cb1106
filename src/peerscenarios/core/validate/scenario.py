"""Shape checks for the scenario as a whole: its header fields and its list of nodes."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import yaml

from peerscenarios.core.diagnostics import Severity
from peerscenarios.core.model import FORMAT_VERSION, Scenario
from peerscenarios.core.taxonomy import COMPETENCIES, POPULATIONS, SETTINGS
from peerscenarios.core.validate import codes
from peerscenarios.core.validate.common import NodeDraft, content_hash, suggest
from peerscenarios.core.validate.graph import check_graph
from peerscenarios.core.validate.keys import SCENARIO_KEYS, SCENARIO_REQUIRED
from peerscenarios.core.validate.node import walk_node
from peerscenarios.core.validate.walker import Fields, Walker, pos


@dataclass
class _Header:
    """The scenario's own fields, each None when missing or unusable."""

    title: str | None = None
    summary: str | None = None
    minutes: int | None = None
    competencies: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    language: str = "en"
    version: str = "1"
    sources: tuple[str, ...] = ()
    start: str | None = None
    setting: str = ""
    population: tuple[str, ...] = ()


def walk_scenario(w: Walker, root: yaml.Node, data: bytes) -> Scenario | None:
    """Check the whole document; the Scenario if nothing stopped it from being built.

    Diagnostics land in ``w``; the caller still drops the scenario if any is an error.
    """
    top = w.mapping(root, "the scenario", SCENARIO_KEYS)
    if top is None:
        return None
    ok = w.require(top, SCENARIO_REQUIRED, root, "the scenario")
    sid = w.ident(top["id"][1], "the scenario id") if "id" in top else None
    if sid:
        # Everything from here on is labelled with the scenario's id.
        w.scenario_id = sid
    _check_format(w, top)
    head = _header(w, top, root)
    # Nodes are drafted even when the header has errors: one run reports everything.
    drafts = _nodes(w, top)
    start_field = top.get("start")
    nodes = check_graph(drafts, head.start, pos(start_field[1]) if start_field else None,
                        path=w.path, scenario_id=w.scenario_id, out=w.diags)
    # Only a complete scenario is built; a partial one would crash the player later.
    if (not ok or nodes is None or sid is None or head.title is None or head.summary is None
            or head.minutes is None or not head.competencies):
        return None
    # Read-only nodes, as the model promises; the dict keeps the file's order.
    return Scenario(
        id=sid, title=head.title, summary=head.summary, minutes=head.minutes,
        competencies=head.competencies, nodes=MappingProxyType(nodes),
        start=head.start or next(iter(nodes)), tags=head.tags,
        content_warnings=head.warnings, language=head.language, version=head.version,
        sources=head.sources, setting=head.setting, population=head.population,
        content_hash=content_hash(data), source_path=w.path,
    )


def _check_format(w: Walker, top: Fields) -> None:
    if "format" not in top:
        return
    fmt = w.integer(top["format"][1], "format")
    if fmt is not None and fmt != FORMAT_VERSION:
        w.report(top["format"][1], f"format {fmt} is not supported; this version of "
                                   f"PeerScenarios reads format {FORMAT_VERSION}",
                 codes.OUT_OF_RANGE)


def _header(w: Walker, top: Fields, root: yaml.Node) -> _Header:
    """Every scenario-level field except format, id and nodes, in file-format order."""
    h = _Header()
    # Read in the order of the file format's table, so diagnostics come out in that order.
    if "title" in top:
        h.title = w.text(top["title"][1], "the title", field_name="title")
    if "summary" in top:
        h.summary = w.text(top["summary"][1], "the summary", field_name="summary")
    h.minutes = _minutes(w, top)
    h.competencies = _competencies(w, top)
    h.tags = w.string_list(top["tags"][1], "tags") if "tags" in top else ()
    if "content_warnings" in top:
        h.warnings = w.string_list(top["content_warnings"][1], "content_warnings")
    # language and version fall back to their defaults when present but empty.
    if "language" in top:
        h.language = w.text(top["language"][1], "language") or "en"
    if "version" in top:
        h.version = w.text(top["version"][1], "version") or "1"
    h.sources = w.string_list(top["sources"][1], "sources") if "sources" in top else ()
    h.start = w.ident(top["start"][1], "start") if "start" in top else None
    # Setting and population come from documented lists: the Library filters on them.
    h.setting = _setting(w, top, root)
    h.population = _population(w, top)
    return h


def _minutes(w: Walker, top: Fields) -> int | None:
    if "minutes" not in top:
        return None
    minutes = w.integer(top["minutes"][1], "minutes")
    # The JSON Schema gives editors the same 1 to 60.
    if minutes is not None and not 1 <= minutes <= 60:
        w.report(top["minutes"][1], f"minutes should be between 1 and 60, not {minutes}",
                 codes.OUT_OF_RANGE)
        return None
    return minutes


def _competencies(w: Walker, top: Fields) -> tuple[int, ...]:
    """The focus competencies: known numbers, each once (a repeat is only a warning)."""
    if "competencies" not in top:
        return ()
    node = top["competencies"][1]
    items = w.sequence(node, "competencies") or []
    # 'competencies: []' is a real list with nothing in it, not a wrong type.
    if not items and isinstance(node, yaml.SequenceNode):
        w.report(node, "competencies is empty; list at least one competency number (1 to 12)",
                 codes.EMPTY_TEXT)
    out: list[int] = []
    for item in items:
        n = w.integer(item, "a competency number")
        if n is None:
            continue
        if n not in COMPETENCIES:
            w.report(item, f"unknown competency {n}; SAMHSA's core competencies are "
                           "numbered 1 to 12", codes.UNKNOWN_COMPETENCY)
        elif n in out:
            w.report(item, f"competency {n} is listed twice", codes.DUPLICATE_ID,
                     Severity.WARNING)
        else:
            out.append(n)
    return tuple(out)


def _setting(w: Walker, top: Fields, root: yaml.Node) -> str:
    """The scenario's setting: one id from the documented list (a warning when absent)."""
    if "setting" not in top:
        # A warning, not an error: the scenario plays; only filtering and coverage miss it.
        w.report(root, "the scenario has no 'setting'; add one (for example 'setting: "
                       "peer-center') so the Library can filter on it and coverage can "
                       "count it", codes.NO_SETTING, Severity.WARNING)
        return ""
    value = w.text(top["setting"][1], "setting")
    if value is None:
        return ""
    if value not in SETTINGS:
        w.report(top["setting"][1], f"unknown setting '{value}' (the settings are listed in "
                                    "docs/scenario-format.md)"
                                    f"{suggest(value, list(SETTINGS))}", codes.UNKNOWN_SETTING)
        return ""
    return value


def _population(w: Walker, top: Fields) -> tuple[str, ...]:
    """Who the scenario is about: ids from the documented list, each once."""
    if "population" not in top:
        return ()
    out: list[str] = []
    for item in w.sequence(top["population"][1], "population") or []:
        value = w.text(item, "an item of population")
        if value is None:
            continue
        if value not in POPULATIONS:
            w.report(item, f"unknown population '{value}' (the populations are listed in "
                           f"docs/scenario-format.md){suggest(value, list(POPULATIONS))}",
                     codes.UNKNOWN_POPULATION)
        elif value in out:
            w.report(item, f"population '{value}' is listed twice", codes.DUPLICATE_ID,
                     Severity.WARNING)
        else:
            out.append(value)
    return tuple(out)


def _nodes(w: Walker, top: Fields) -> list[NodeDraft]:
    if "nodes" not in top:
        return []
    items = w.sequence(top["nodes"][1], "nodes")
    if items is not None and not items:
        w.report(top["nodes"][1], "the scenario has no nodes", codes.EMPTY_TEXT)
    drafts = []
    for item in items or []:
        # None only for an item that is not a mapping at all, which is reported already.
        d = walk_node(w, item)
        if d is not None:
            drafts.append(d)
    return drafts
