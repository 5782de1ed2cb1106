"""Shape checks for one node: its text and lines, the way on, prompts and facilitator notes."""

from __future__ import annotations

import difflib

import yaml

from peerscenarios.core.diagnostics import Severity
from peerscenarios.core.model import (
    Choice,
    Ending,
    FacilitatorNotes,
    Node,
    ReflectionPrompt,
    SpeakerLine,
)
from peerscenarios.core.taxonomy import Role
from peerscenarios.core.validate import codes
from peerscenarios.core.validate.choice import walk_choice
from peerscenarios.core.validate.common import NodeDraft, Pos
from peerscenarios.core.validate.keys import (
    ENDING_KEYS,
    FACILITATOR_KEYS,
    ID_RE,
    LINE_KEYS,
    NODE_KEYS,
    ORDER_VALUES,
    PROMPT_KEYS,
)
from peerscenarios.core.validate.walker import Fields, Walker, pos

_WAY_ON = ("choices", "next", "ending")
# A decision needs at least two responses; keys 1-9 pick them, so nine at most.
MIN_CHOICES, MAX_CHOICES = 2, 9


def walk_node(scenario_w: Walker, item: yaml.Node) -> NodeDraft | None:
    """Check one node; a draft for the graph checks (None if it is not even a mapping)."""
    # Problems with the node's own keys are labelled with its id when it has a good one.
    w = scenario_w.within(node_id=_peek_id(item))
    fields = w.mapping(item, "a node", NODE_KEYS)
    if fields is None:
        return None
    nid = w.ident(fields["id"][1], "the node id") if "id" in fields else None
    if "id" not in fields:
        w.report(item, "a node has no 'id'", codes.MISSING_FIELD)
    allow = w.allow_terms(fields)
    what = f"node '{nid}'" if nid else "a node"

    text = ""
    if "text" in fields:
        text = w.text(fields["text"][1], f"the text of {what}", field_name="text",
                      allow=allow) or ""
    lines = _lines(w, fields, what, allow)
    if "text" not in fields and "lines" not in fields:
        w.report(item, f"{what} has neither 'text' nor 'lines'; give it something to show",
                 codes.MISSING_FIELD)
    # A misspelt 'choises:' is already reported as an unknown key with a suggestion;
    # 'no way on' would only repeat it, and come first in the file.
    misspelt = _misspelt_way_on(item)
    # A node without an id gets no dead-end report: its missing id is the problem to fix.
    _way_on(w, fields, item, what, report_missing=nid is not None and not misspelt)
    targets: list[tuple[str, Pos, str]] = []
    choices, all_choices = _choices(w, fields, what, allow, targets)
    nxt = w.ident(fields["next"][1], "next") if "next" in fields else None
    ending = _ending(w, fields, what, allow)
    prompts = _prompts(w, fields, what, allow)
    facil = _facilitator(w, fields, what, allow)
    node_warnings = (w.string_list(fields["content_warnings"][1], "content_warnings")
                     if "content_warnings" in fields else ())
    fixed = _fixed_order(w, fields, what, has_choices=bool(choices))

    # A node whose way on is broken (or that has no id to link to) is left out of the
    # model; its draft still counts, so the graph phase knows the scenario is incomplete
    # and does not add 'no ending' or 'loop' reports that only repeat the first error.
    broken = (misspelt or not all_choices or ("next" in fields and nxt is None)
              or ("ending" in fields and ending is None))
    node = None
    if nid and not broken:
        node = Node(id=nid, text=text, lines=lines, choices=choices, next=nxt,
                    ending=ending, reflect=prompts, facilitator=facil,
                    content_warnings=node_warnings, fixed_order=fixed)
    next_mark = pos(fields["next"][1]) if "next" in fields else None
    return NodeDraft(node, nid or "", pos(item), targets, next_mark)


def _peek_id(item: yaml.Node) -> str:
    """The node's id if it has a well-formed one, read before its keys are checked."""
    if isinstance(item, yaml.MappingNode):
        for k, v in item.value:
            if (isinstance(k, yaml.ScalarNode) and k.value == "id"
                    and isinstance(v, yaml.ScalarNode) and ID_RE.match(v.value.strip())):
                return str(v.value.strip())
    return ""


def _lines(w: Walker, fields: Fields, what: str,
           allow: frozenset[str]) -> tuple[SpeakerLine, ...]:
    if "lines" not in fields:
        return ()
    out = []
    for li in w.sequence(fields["lines"][1], f"the lines of {what}") or []:
        lf = w.mapping(li, "a speaker line", LINE_KEYS)
        if lf is None or not w.require(lf, ("speaker", "text"), li, "a speaker line"):
            continue
        # A line may allow a word only its speaker uses (a character's own slur, say).
        line_allow = allow | w.allow_terms(lf)
        speaker = w.text(lf["speaker"][1], "the speaker")
        said = w.text(lf["text"][1], "what the speaker says", field_name="line",
                      allow=line_allow)
        if speaker and said:
            out.append(SpeakerLine(speaker, said))
    return tuple(out)


def _misspelt_way_on(item: yaml.Node) -> bool:
    """True if the node has an unknown key that is closest to choices, next or ending."""
    assert isinstance(item, yaml.MappingNode)
    for k, _v in item.value:
        if isinstance(k, yaml.ScalarNode) and k.value not in NODE_KEYS:
            close = difflib.get_close_matches(k.value, NODE_KEYS, n=1, cutoff=0.6)
            if close and close[0] in _WAY_ON:
                return True
    return False


def _way_on(w: Walker, fields: Fields, item: yaml.Node, what: str, *,
            report_missing: bool) -> None:
    """A node has exactly one of choices, next and ending."""
    present = [k for k in _WAY_ON if k in fields]
    if len(present) > 1:
        w.report(fields[present[1]][0], f"{what} has both '{present[0]}' and '{present[1]}'; "
                                        "a node has exactly one of choices, next and ending",
                 codes.CONFLICTING_FIELDS)
    if not present and report_missing:
        w.report(item, f"{what} is not an ending and has no way on: add 'choices', "
                       "'next' or 'ending'", codes.DEAD_END)


def _choices(w: Walker, fields: Fields, what: str, allow: frozenset[str],
             targets: list[tuple[str, Pos, str]]) -> tuple[tuple[Choice, ...], bool]:
    """The decision's usable choices, and whether every one was usable.

    Their targets are added to ``targets`` for the graph checks.
    """
    if "choices" not in fields:
        return (), True
    node = fields["choices"][1]
    items = w.sequence(node, f"the choices of {what}") or []
    out: list[Choice] = []
    seen: dict[str, int] = {}
    for ci in items:
        c = walk_choice(w, ci, allow, targets)
        if c is None:
            continue
        if c.id in seen:
            w.report(ci, f"choice id '{c.id}' is used twice in {what} "
                         f"(first on line {seen[c.id]})", codes.DUPLICATE_ID)
            continue
        seen[c.id] = pos(ci)[0]
        out.append(c)
    # Only when every choice was readable: a broken peer-aligned choice is reported already.
    if items and len(out) == len(items) and not any(c.role is Role.PEER for c in out):
        w.report(node, f"decision {what} has no peer-aligned choice; offer at least one "
                       "response that stays in the peer role", codes.NO_PEER_CHOICE)
    # 'choices: []' is an empty decision; a choice count outside 2-9 still plays, so warn.
    if isinstance(node, yaml.SequenceNode) and not items:
        w.report(node, f"{what} has an empty list of choices", codes.EMPTY_TEXT)
    elif items and not MIN_CHOICES <= len(items) <= MAX_CHOICES:
        w.report(node, f"{what} has {len(items)} choice(s); a decision works best with "
                       f"{MIN_CHOICES} to {MAX_CHOICES} (keys 1-9 pick them)",
                 codes.CHOICE_COUNT, Severity.WARNING)
    return tuple(out), bool(items) and len(out) == len(items)


def _ending(w: Walker, fields: Fields, what: str, allow: frozenset[str]) -> Ending | None:
    if "ending" not in fields:
        return None
    ef = w.mapping(fields["ending"][1], f"the ending of {what}", ENDING_KEYS)
    if ef is None or not w.require(ef, ENDING_KEYS, fields["ending"][1], "an ending"):
        return None
    title = w.text(ef["title"][1], "the ending's title", field_name="ending")
    debrief = w.text(ef["debrief"][1], "the debrief", field_name="debrief", allow=allow)
    return Ending(title, debrief) if title and debrief else None


def _prompts(w: Walker, fields: Fields, what: str,
             allow: frozenset[str]) -> tuple[ReflectionPrompt, ...]:
    if "reflect" not in fields:
        return ()
    out = []
    for pi in w.sequence(fields["reflect"][1], f"the reflection prompts of {what}") or []:
        pf = w.mapping(pi, "a reflection prompt", PROMPT_KEYS)
        if pf is None or not w.require(pf, PROMPT_KEYS, pi, "a reflection prompt"):
            continue
        pid = w.ident(pf["id"][1], "the prompt id")
        ptext = w.text(pf["prompt"][1], "the prompt", field_name="prompt", allow=allow)
        if pid and ptext:
            out.append(ReflectionPrompt(pid, ptext))
    return tuple(out)


def _facilitator(w: Walker, fields: Fields, what: str,
                 allow: frozenset[str]) -> FacilitatorNotes:
    if "facilitator" not in fields:
        return FacilitatorNotes()
    ff = w.mapping(fields["facilitator"][1], f"the facilitator notes of {what}",
                   FACILITATOR_KEYS)
    if ff is None:
        return FacilitatorNotes()
    notes = ""
    if "notes" in ff:
        notes = w.text(ff["notes"][1], "facilitator notes", field_name="facilitator",
                       allow=allow) or ""
    discuss: tuple[str, ...] = ()
    if "discuss" in ff:
        discuss = w.string_list(ff["discuss"][1], "discussion questions",
                                field_name="facilitator")
    return FacilitatorNotes(notes, discuss)


def _fixed_order(w: Walker, fields: Fields, what: str, *, has_choices: bool) -> bool:
    """True for ``order: fixed``; anything but fixed or shuffled is reported."""
    if "order" not in fields:
        return False
    order = w.text(fields["order"][1], "order")
    if order is not None and order not in ORDER_VALUES:
        w.report(fields["order"][1], f"order '{order}' is not known; write 'order: fixed' "
                                     "to keep the responses in the order written, or leave "
                                     "it out to shuffle them", codes.UNKNOWN_ORDER)
        return False
    if order != "fixed":
        return False
    # Only a warning: with nothing to order it changes nothing, but it is likely misplaced.
    if not has_choices and "choices" not in fields:
        w.report(fields["order"][1], f"{what} has 'order' but no choices to order",
                 codes.CONFLICTING_FIELDS, Severity.WARNING)
    return True
