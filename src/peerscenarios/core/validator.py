"""Scenario validator: reads composed YAML nodes, reports every problem, builds the model.

The validator never stops at the first problem: it walks the whole file,
collects a :class:`Diagnostic` for each one (with line, column, scenario
and node id, and a stable code), and builds a :class:`Scenario` only when
there are no errors.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

import yaml

from peerscenarios.core import safeyaml
from peerscenarios.core.diagnostics import Diagnostic, Severity
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

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")

_T = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = _T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"
_MAP, _SEQ = _T + "map", _T + "seq"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _T + "timestamp"}

SCENARIO_KEYS = (
    "format", "id", "title", "summary", "minutes", "competencies", "tags",
    "content_warnings", "language", "version", "sources", "start", "nodes", "setting",
    "population",
)
SCENARIO_REQUIRED = ("format", "id", "title", "summary", "minutes", "competencies", "nodes")
NODE_KEYS = (
    "id", "text", "lines", "choices", "next", "ending", "reflect", "facilitator",
    "content_warnings", "allow_terms", "order",
)
# How a decision's responses are listed: shuffled per attempt (the default) or as written.
ORDER_VALUES = ("shuffled", "fixed")
LINE_KEYS = ("speaker", "text", "allow_terms")
CHOICE_KEYS = ("id", "text", "role", "competencies", "feedback", "next", "allow_terms")
FEEDBACK_KEYS = ("why", "better")
ENDING_KEYS = ("title", "debrief")
PROMPT_KEYS = ("id", "prompt")
FACILITATOR_KEYS = ("notes", "discuss")

_CTOR = yaml.constructor.SafeConstructor()


def content_hash(data: bytes) -> str:
    """A short, stable fingerprint of a scenario file's exact bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def suggest(word: str, options: tuple[str, ...] | list[str]) -> str:
    """``; did you mean 'x'?`` for the closest option, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass
class TextSpan:
    """A piece of prose and where it sits, kept for the language lint."""

    text: str
    line: int
    col: int
    node_id: str
    field: str
    allow: frozenset[str] = frozenset()


@dataclass
class ValidationResult:
    """What validating one file produced: the scenario (if no errors) and every diagnostic."""

    path: str
    scenario: Scenario | None
    diagnostics: list[Diagnostic]
    spans: list[TextSpan] = field(default_factory=list)
    scenario_id: str = ""
    id_mark: tuple[int, int] = (1, 1)

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of error severity."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics of warning severity."""
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


class _Walker:
    """Walks one composed document; ``report`` collects diagnostics as it goes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.diags: list[Diagnostic] = []
        self.scenario_id = ""
        self.node_id = ""
        self.spans: list[TextSpan] = []

    # -- reporting -------------------------------------------------------

    def report(
        self, node: yaml.Node | None, message: str, code: str,
        severity: Severity = Severity.ERROR, *, line: int = 0, col: int = 0,
    ) -> None:
        if node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.diags.append(
            Diagnostic(self.path, line or 1, col or 1, severity, message, code,
                       self.scenario_id, self.node_id)
        )

    # -- structure -------------------------------------------------------

    def mapping(
        self, node: yaml.Node, what: str, allowed: tuple[str, ...],
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """Check a mapping's keys (unknown, duplicate) and return key -> (key node, value)."""
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} should be a set of 'key: value' lines, "
                              f"not {_describe(node)}", "PS004")
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                self.report(knode, f"a key in {what} must be a plain word", "PS004")
                continue
            key = knode.value
            if key in out:
                first = out[key][0].start_mark.line + 1
                self.report(knode, f"'{key}' appears twice in {what} (first on line {first}); "
                                   "the second would silently replace the first", "PS006")
                continue
            if key not in allowed:
                self.report(knode, f"unknown key '{key}' in {what}{suggest(key, allowed)}",
                            "PS002")
                continue
            out[key] = (knode, vnode)
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node] | None:
        """Return a sequence's items, or report that it is not a list."""
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"{what} should be a list (lines starting with '- '), "
                              f"not {_describe(node)}", "PS004")
            return None
        return list(node.value)

    def scalar(self, node: yaml.Node, what: str) -> yaml.ScalarNode | None:
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, f"{what} should be a single value, not {_describe(node)}", "PS004")
            return None
        if node.tag not in _SCALAR_TAGS:
            self.report(node, f"{what} uses the tag '{node.tag}', which is not allowed", "PS004")
            return None
        return node

    def text(
        self, node: yaml.Node, what: str, *, required: bool = True,
        field_name: str = "", allow: frozenset[str] = frozenset(),
    ) -> str | None:
        """A text field: strings, with YAML 1.1 traps reported. None if unusable."""
        s = self.scalar(node, what)
        if s is None:
            return None
        plain = s.style in (None, "")
        if s.tag == _BOOL and plain:
            self.report(s, f"{what} '{s.value}' is read by YAML as true/false, not as text; "
                           f"write it in quotes: \"{s.value}\"", "PS005")
            return None
        if s.tag == _FLOAT and plain:
            try:
                as_number = repr(float(s.value.replace("_", "")))
            except ValueError:
                as_number = ""
            if as_number != s.value:
                self.report(s, f"{what} {s.value} is read by YAML as the number {as_number}; "
                               f"write it in quotes: \"{s.value}\"", "PS005")
                return None
        value = "" if s.tag == _NULL and plain else s.value
        value = value.strip()
        if not value:
            if required:
                self.report(s, f"{what} is empty", "PS016")
            return None
        if field_name:
            self.spans.append(TextSpan(value, s.start_mark.line + 1, s.start_mark.column + 1,
                                       self.node_id, field_name, allow))
        return value

    def integer(self, node: yaml.Node, what: str) -> int | None:
        s = self.scalar(node, what)
        if s is None:
            return None
        if s.tag != _INT:
            self.report(s, f"{what} should be a whole number, not '{s.value}'", "PS004")
            return None
        value = _CTOR.construct_yaml_int(s)
        assert isinstance(value, int)
        return value

    def string_list(
        self, node: yaml.Node, what: str, field_name: str = "",
    ) -> tuple[str, ...]:
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
        value = self.text(node, what)
        if value is None:
            return None
        if not ID_RE.match(value):
            self.report(node, f"{what} '{value}' may use only lowercase letters, digits and "
                              "hyphens (3 to 64 characters is a good length)", "PS021")
            return None
        return value

    def allow_terms(self, fields: dict[str, tuple[yaml.Node, yaml.Node]],
                    ) -> frozenset[str]:
        if "allow_terms" not in fields:
            return frozenset()
        return frozenset(t.lower() for t in
                         self.string_list(fields["allow_terms"][1], "allow_terms"))

    def require(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], names: tuple[str, ...],
                where: yaml.Node, what: str) -> bool:
        ok = True
        for name in names:
            if name not in fields:
                self.report(where, f"{what} has no '{name}'", "PS003")
                ok = False
        return ok


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a set of 'key: value' lines"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _NULL:
        return "nothing"
    return f"'{node.value}'"


@dataclass
class _NodeDraft:
    node: Node | None
    id: str
    mark: yaml.Node
    choice_targets: list[tuple[str, yaml.Node, str]]  # (target, mark, choice id)
    next_mark: yaml.Node | None


def validate_bytes(data: bytes, path: str) -> ValidationResult:
    """Validate one scenario file's bytes; never raises on bad input."""
    text = safeyaml.decode(data)
    if isinstance(text, safeyaml.ReadProblem):
        return _read_failure(path, text)
    composed = safeyaml.compose(text)
    if isinstance(composed, safeyaml.ReadProblem):
        return _read_failure(path, composed)
    w = _Walker(path)
    if composed is None:
        w.report(None, "the file is empty", "PS003", line=1, col=1)
        return ValidationResult(path, None, w.diags)
    try:
        scenario = _walk_scenario(w, composed, data)
    except RecursionError:  # pragma: no cover - depth is bounded before this
        w.report(None, "nesting too deep", "PS019", line=1, col=1)
        scenario = None
    if any(d.severity is Severity.ERROR for d in w.diags):
        scenario = None
    result = ValidationResult(path, scenario, w.diags, w.spans, w.scenario_id)
    if isinstance(composed, yaml.MappingNode):
        for k, _v in composed.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "id":
                result.id_mark = (k.start_mark.line + 1, k.start_mark.column + 1)
    return result


def _read_failure(path: str, problem: safeyaml.ReadProblem) -> ValidationResult:
    diag = Diagnostic(path, problem.line, problem.col, Severity.ERROR, problem.message,
                      problem.code)
    return ValidationResult(path, None, [diag])


def _walk_scenario(w: _Walker, root: yaml.Node, data: bytes) -> Scenario | None:
    top = w.mapping(root, "the scenario", SCENARIO_KEYS)
    if top is None:
        return None
    ok = w.require(top, SCENARIO_REQUIRED, root, "the scenario")

    sid = None
    if "id" in top:
        sid = w.ident(top["id"][1], "the scenario id")
        if sid:
            w.scenario_id = sid
    if "format" in top:
        fmt = w.integer(top["format"][1], "format")
        if fmt is not None and fmt != FORMAT_VERSION:
            w.report(top["format"][1], f"format {fmt} is not supported; this version of "
                                       f"PeerScenarios reads format {FORMAT_VERSION}", "PS022")
    title = w.text(top["title"][1], "the title", field_name="title") if "title" in top else None
    summary = (w.text(top["summary"][1], "the summary", field_name="summary")
               if "summary" in top else None)
    minutes = None
    if "minutes" in top:
        minutes = w.integer(top["minutes"][1], "minutes")
        if minutes is not None and not 1 <= minutes <= 60:
            w.report(top["minutes"][1], f"minutes should be between 1 and 60, not {minutes}",
                     "PS022")
            minutes = None
    competencies: list[int] = []
    if "competencies" in top:
        items = w.sequence(top["competencies"][1], "competencies") or []
        if not items and isinstance(top["competencies"][1], yaml.SequenceNode):
            w.report(top["competencies"][1], "competencies is empty; list at least one "
                                             "competency number (1 to 12)", "PS016")
        for item in items:
            n = w.integer(item, "a competency number")
            if n is None:
                continue
            if n not in COMPETENCIES:
                w.report(item, f"unknown competency {n}; SAMHSA's core competencies are "
                               "numbered 1 to 12", "PS015")
            elif n in competencies:
                w.report(item, f"competency {n} is listed twice", "PS007",
                         Severity.WARNING)
            else:
                competencies.append(n)
    tags = w.string_list(top["tags"][1], "tags") if "tags" in top else ()
    warnings = (w.string_list(top["content_warnings"][1], "content_warnings")
                if "content_warnings" in top else ())
    language = (w.text(top["language"][1], "language") if "language" in top else "en") or "en"
    version = (w.text(top["version"][1], "version") if "version" in top else "1") or "1"
    sources = w.string_list(top["sources"][1], "sources") if "sources" in top else ()
    start = w.ident(top["start"][1], "start") if "start" in top else None
    setting = _setting(w, top, root)
    population = _population(w, top)

    drafts: list[_NodeDraft] = []
    if "nodes" in top:
        node_items = w.sequence(top["nodes"][1], "nodes")
        if node_items is not None and not node_items:
            w.report(top["nodes"][1], "the scenario has no nodes", "PS016")
        for item in node_items or []:
            d = _walk_node(w, item)
            if d is not None:
                drafts.append(d)
        w.node_id = ""

    nodes = _check_ids_and_graph(w, drafts, start, top.get("start"))
    if not ok or nodes is None or sid is None or title is None or summary is None \
            or minutes is None or not competencies:
        return None
    first = start or next(iter(nodes))
    return Scenario(
        id=sid, title=title, summary=summary, minutes=minutes,
        competencies=tuple(competencies), nodes=MappingProxyType(nodes), start=first,
        tags=tags, content_warnings=warnings, language=language, version=version,
        sources=sources, setting=setting, population=population,
        content_hash=content_hash(data), source_path=w.path,
    )


def _setting(w: _Walker, top: dict[str, tuple[yaml.Node, yaml.Node]], root: yaml.Node) -> str:
    """The scenario's setting: one id from the documented list (a warning when absent)."""
    if "setting" not in top:
        w.report(root, "the scenario has no 'setting'; add one (for example 'setting: "
                       "peer-center') so the Library can filter on it and coverage can "
                       "count it", "PS029", Severity.WARNING)
        return ""
    value = w.text(top["setting"][1], "setting")
    if value is None:
        return ""
    if value not in SETTINGS:
        w.report(top["setting"][1], f"unknown setting '{value}' (the settings are listed in "
                                    "docs/scenario-format.md)"
                                    f"{suggest(value, list(SETTINGS))}", "PS026")
        return ""
    return value


def _population(w: _Walker, top: dict[str, tuple[yaml.Node, yaml.Node]]) -> tuple[str, ...]:
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
                     "PS027")
        elif value in out:
            w.report(item, f"population '{value}' is listed twice", "PS007", Severity.WARNING)
        else:
            out.append(value)
    return tuple(out)


def _walk_node(w: _Walker, item: yaml.Node) -> _NodeDraft | None:
    fields = w.mapping(item, "a node", NODE_KEYS)
    if fields is None:
        return None
    nid = w.ident(fields["id"][1], "the node id") if "id" in fields else None
    if "id" not in fields:
        w.report(item, "a node has no 'id'", "PS003")
    w.node_id = nid or ""
    allow = w.allow_terms(fields)
    what = f"node '{nid}'" if nid else "a node"

    text = ""
    if "text" in fields:
        text = w.text(fields["text"][1], f"the text of {what}", field_name="text",
                      allow=allow) or ""
    lines: list[SpeakerLine] = []
    if "lines" in fields:
        for li in w.sequence(fields["lines"][1], f"the lines of {what}") or []:
            lf = w.mapping(li, "a speaker line", LINE_KEYS)
            if lf is None:
                continue
            if not w.require(lf, ("speaker", "text"), li, "a speaker line"):
                continue
            line_allow = allow | w.allow_terms(lf)
            speaker = w.text(lf["speaker"][1], "the speaker")
            said = w.text(lf["text"][1], "what the speaker says", field_name="line",
                          allow=line_allow)
            if speaker and said:
                lines.append(SpeakerLine(speaker, said))
    if "text" not in fields and "lines" not in fields:
        w.report(item, f"{what} has neither 'text' nor 'lines'; give it something to show",
                 "PS003")

    present = [k for k in ("choices", "next", "ending") if k in fields]
    if len(present) > 1:
        w.report(fields[present[1]][0], f"{what} has both '{present[0]}' and '{present[1]}'; "
                                        "a node has exactly one of choices, next and ending",
                 "PS023")
    if not present and nid:
        w.report(item, f"{what} is not an ending and has no way on: add 'choices', "
                       "'next' or 'ending'", "PS010")

    choices: list[Choice] = []
    targets: list[tuple[str, yaml.Node, str]] = []
    if "choices" in fields:
        items = w.sequence(fields["choices"][1], f"the choices of {what}") or []
        seen_choice: dict[str, int] = {}
        for ci in items:
            c = _walk_choice(w, ci, allow, targets)
            if c is None:
                continue
            if c.id in seen_choice:
                w.report(ci, f"choice id '{c.id}' is used twice in {what} "
                             f"(first on line {seen_choice[c.id]})", "PS007")
                continue
            seen_choice[c.id] = ci.start_mark.line + 1
            choices.append(c)
        if items and not any(c.role is Role.PEER for c in choices) and len(choices) == len(items):
            w.report(fields["choices"][1], f"decision {what} has no peer-aligned choice; "
                                           "offer at least one response that stays in the "
                                           "peer role", "PS013")
        if isinstance(fields["choices"][1], yaml.SequenceNode) and not items:
            w.report(fields["choices"][1], f"{what} has an empty list of choices", "PS016")
        elif items and (len(items) < 2 or len(items) > 9):
            w.report(fields["choices"][1], f"{what} has {len(items)} choice(s); a decision "
                                           "works best with 2 to 9 (keys 1-9 pick them)",
                     "PS025", Severity.WARNING)

    nxt = None
    next_mark = None
    if "next" in fields:
        next_mark = fields["next"][1]
        nxt = w.ident(next_mark, "next")
    ending = None
    if "ending" in fields:
        ef = w.mapping(fields["ending"][1], f"the ending of {what}", ENDING_KEYS)
        if ef is not None and w.require(ef, ENDING_KEYS, fields["ending"][1], "an ending"):
            etitle = w.text(ef["title"][1], "the ending's title", field_name="ending")
            debrief = w.text(ef["debrief"][1], "the debrief", field_name="debrief",
                             allow=allow)
            if etitle and debrief:
                ending = Ending(etitle, debrief)

    prompts: list[ReflectionPrompt] = []
    if "reflect" in fields:
        for pi in w.sequence(fields["reflect"][1], f"the reflection prompts of {what}") or []:
            pf = w.mapping(pi, "a reflection prompt", PROMPT_KEYS)
            if pf is None or not w.require(pf, PROMPT_KEYS, pi, "a reflection prompt"):
                continue
            pid = w.ident(pf["id"][1], "the prompt id")
            ptext = w.text(pf["prompt"][1], "the prompt", field_name="prompt", allow=allow)
            if pid and ptext:
                prompts.append(ReflectionPrompt(pid, ptext))

    facil = FacilitatorNotes()
    if "facilitator" in fields:
        ff = w.mapping(fields["facilitator"][1], f"the facilitator notes of {what}",
                       FACILITATOR_KEYS)
        if ff is not None:
            notes = (w.text(ff["notes"][1], "facilitator notes", field_name="facilitator",
                            allow=allow) or "") if "notes" in ff else ""
            discuss = (w.string_list(ff["discuss"][1], "discussion questions",
                                     field_name="facilitator") if "discuss" in ff else ())
            facil = FacilitatorNotes(notes, discuss)
    node_warnings = (w.string_list(fields["content_warnings"][1], "content_warnings")
                     if "content_warnings" in fields else ())
    fixed = False
    if "order" in fields:
        order = w.text(fields["order"][1], "order")
        if order is not None and order not in ORDER_VALUES:
            w.report(fields["order"][1], f"order '{order}' is not known; write 'order: fixed' "
                                         "to keep the responses in the order written, or leave "
                                         "it out to shuffle them", "PS028")
        elif order == "fixed":
            fixed = True
            if not choices and "choices" not in fields:
                w.report(fields["order"][1], f"{what} has 'order' but no choices to order",
                         "PS023", Severity.WARNING)

    node = None
    if nid:
        node = Node(id=nid, text=text, lines=tuple(lines), choices=tuple(choices), next=nxt,
                    ending=ending, reflect=tuple(prompts), facilitator=facil,
                    content_warnings=node_warnings, fixed_order=fixed)
    return _NodeDraft(node, nid or "", item, targets, next_mark)


def _walk_choice(
    w: _Walker, ci: yaml.Node, allow: frozenset[str],
    targets: list[tuple[str, yaml.Node, str]],
) -> Choice | None:
    cf = w.mapping(ci, "a choice", CHOICE_KEYS)
    if cf is None:
        return None
    ok = w.require(cf, ("id", "text", "role", "next"), ci, "a choice")
    cid = w.ident(cf["id"][1], "the choice id") if "id" in cf else None
    what = f"choice '{cid}'" if cid else "a choice"
    allow = allow | w.allow_terms(cf)
    text = w.text(cf["text"][1], f"the text of {what}", field_name="choice",
                  allow=allow) if "text" in cf else None
    role = None
    if "role" in cf:
        tag = w.text(cf["role"][1], "the role")
        if tag is not None:
            try:
                role = Role(tag)
            except ValueError:
                names = tuple(r.value for r in Role)
                w.report(cf["role"][1], f"unknown role '{tag}'{suggest(tag, names)} "
                                        f"(roles: {', '.join(names)})", "PS014")
    effects: dict[int, int] = {}
    if "competencies" in cf:
        ef = cf["competencies"][1]
        if not isinstance(ef, yaml.MappingNode):
            w.report(ef, "a choice's competencies should look like {3: 1, 6: -1} "
                         "(competency number: effect)", "PS004")
        else:
            for k, v in ef.value:
                num = w.integer(k, "a competency number")
                eff = w.integer(v, "a competency effect")
                if num is None or eff is None:
                    continue
                if num not in COMPETENCIES:
                    w.report(k, f"unknown competency {num}; SAMHSA's core competencies "
                                "are numbered 1 to 12", "PS015")
                elif num in effects:
                    w.report(k, f"competency {num} appears twice in {what}", "PS006")
                elif not EFFECT_MIN <= eff <= EFFECT_MAX:
                    w.report(v, f"a competency effect should be from {EFFECT_MIN} to "
                                f"{EFFECT_MAX}, not {eff}", "PS022")
                else:
                    effects[num] = eff
    feedback = None
    if "feedback" not in cf:
        w.report(ci, f"{what} has no feedback; say why this response matters and what a "
                     "better one would do", "PS012")
    else:
        ff = w.mapping(cf["feedback"][1], f"the feedback of {what}", FEEDBACK_KEYS)
        if ff is not None:
            if "why" not in ff:
                w.report(cf["feedback"][1], f"the feedback of {what} has no 'why'", "PS012")
            why = w.text(ff["why"][1], "the feedback's 'why'", field_name="why",
                         allow=allow) if "why" in ff else None
            better = (w.text(ff["better"][1], "the feedback's 'better'",
                             field_name="better", allow=allow) or "") if "better" in ff else ""
            if role is not None and role.is_drift and "better" not in ff:
                w.report(cf["feedback"][1], f"the feedback of {what} has no 'better': say "
                                            "what a more peer-aligned response would do",
                         "PS012")
            if why:
                feedback = Feedback(why, better)
    nxt = None
    if "next" in cf:
        nxt = w.ident(cf["next"][1], "next")
        if nxt and cid:
            targets.append((nxt, cf["next"][1], cid))
    if not ok or cid is None or text is None or role is None or feedback is None or nxt is None:
        return None
    return Choice(cid, text, role, feedback, nxt, MappingProxyType(effects))


def _check_ids_and_graph(
    w: _Walker, drafts: list[_NodeDraft], start: str | None,
    start_field: tuple[yaml.Node, yaml.Node] | None,
) -> dict[str, Node] | None:
    """Duplicate ids, missing targets, reachability, dead loops. Returns nodes if usable."""
    nodes: dict[str, Node] = {}
    first_line: dict[str, int] = {}
    complete = True
    for d in drafts:
        if not d.id:
            complete = False
            continue
        w.node_id = d.id
        if d.id in first_line:
            w.report(d.mark, f"node id '{d.id}' is used twice (first on line "
                             f"{first_line[d.id]})", "PS007")
            complete = False
            continue
        first_line[d.id] = d.mark.start_mark.line + 1
        if d.node is None:
            complete = False
        else:
            nodes[d.id] = d.node
    ids = tuple(first_line)
    prompt_lines: dict[str, str] = {}
    for d in drafts:
        if d.node is None:
            continue
        w.node_id = d.id
        for p in d.node.reflect:
            if p.id in prompt_lines:
                w.report(d.mark, f"reflection prompt id '{p.id}' is used twice (also in node "
                                 f"'{prompt_lines[p.id]}')", "PS007")
            else:
                prompt_lines[p.id] = d.id

    def check_target(target: str, mark: yaml.Node, who: str) -> None:
        if target not in first_line:
            w.report(mark, f"{who} goes to node '{target}', which does not exist"
                           f"{suggest(target, ids)}", "PS008")

    edges: dict[str, list[str]] = {nid: [] for nid in first_line}
    for d in drafts:
        if not d.id:
            continue
        w.node_id = d.id
        for target, mark, cid in d.choice_targets:
            check_target(target, mark, f"choice '{cid}'")
            edges[d.id].append(target)
        if d.node is not None and d.node.next and d.next_mark is not None:
            check_target(d.node.next, d.next_mark, f"node '{d.id}'")
            edges[d.id].append(d.node.next)
    w.node_id = ""
    if start is not None and start not in first_line and start_field is not None:
        w.report(start_field[1], f"start node '{start}' does not exist{suggest(start, ids)}",
                 "PS008")
        return None
    if not first_line:
        return None
    root = start or ids[0]

    reachable = _reach(root, edges)
    for d in drafts:
        if d.id and d.id not in reachable and first_line.get(d.id) == d.mark.start_mark.line + 1:
            w.node_id = d.id
            w.report(d.mark, f"node '{d.id}' cannot be reached from the start node '{root}'",
                     "PS009", Severity.WARNING)
    # Nodes from which some ending can be reached: walk the edges backwards.
    reverse: dict[str, list[str]] = {nid: [] for nid in edges}
    for src, outs in edges.items():
        for dst in outs:
            if dst in reverse:
                reverse[dst].append(src)
    endings = [d.id for d in drafts if d.node is not None and d.node.ending is not None]
    can_end: set[str] = set()
    for e in endings:
        can_end |= _reach(e, reverse)
    if complete and not endings:
        w.report(None, "the scenario has no ending: at least one node needs 'ending'", "PS010",
                 line=1, col=1)
    elif complete:
        for d in drafts:
            if d.node is None or d.id in can_end or d.id not in reachable:
                continue
            w.node_id = d.id
            if d.node.ending is None and (d.node.choices or d.node.next):
                w.report(d.mark, f"node '{d.id}' is in a loop with no way out to an ending",
                         "PS011")
    w.node_id = ""
    return nodes if complete else None


def _reach(root: str, edges: dict[str, list[str]]) -> set[str]:
    seen = {root}
    queue = deque([root])
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt in edges and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


Linter = Callable[[ValidationResult], list[Diagnostic]]


def validate_file(path: str, *, read: Callable[[str], bytes] | None = None) -> ValidationResult:
    """Read and validate one file. I/O problems become a diagnostic, never an exception."""
    try:
        if read is not None:
            data = read(path)
        else:
            with open(path, "rb") as fh:
                # Never read more than the cap: a huge file is refused by its size.
                data = fh.read(safeyaml.MAX_FILE_BYTES + 1)
                if len(data) > safeyaml.MAX_FILE_BYTES:
                    size = os.fstat(fh.fileno()).st_size
                    diag = Diagnostic(
                        path, 1, 1, Severity.ERROR,
                        f"the file is {size // 1024} KiB; scenario files are limited to "
                        f"{safeyaml.MAX_FILE_BYTES // 1024} KiB", "PS017")
                    return ValidationResult(path, None, [diag])
    except OSError as exc:
        diag = Diagnostic(path, 1, 1, Severity.ERROR,
                          f"the file could not be read: {exc.strerror or exc}", "PS020")
        return ValidationResult(path, None, [diag])
    return validate_bytes(data, path)
