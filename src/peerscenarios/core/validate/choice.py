"""Shape checks for one choice: its role, competency effects and feedback."""

from __future__ import annotations

from types import MappingProxyType

import yaml

from peerscenarios.core.model import Choice, Feedback
from peerscenarios.core.taxonomy import COMPETENCIES, EFFECT_MAX, EFFECT_MIN, Role
from peerscenarios.core.validate import codes
from peerscenarios.core.validate.common import Pos, suggest
from peerscenarios.core.validate.keys import CHOICE_KEYS, CHOICE_REQUIRED, FEEDBACK_KEYS
from peerscenarios.core.validate.walker import Fields, Walker, pos

_ROLE_NAMES = tuple(r.value for r in Role)


def walk_choice(w: Walker, ci: yaml.Node, allow: frozenset[str],
                targets: list[tuple[str, Pos, str]]) -> Choice | None:
    """Check one choice; the Choice if it is complete. Its target goes into ``targets``."""
    cf = w.mapping(ci, "a choice", CHOICE_KEYS)
    if cf is None:
        return None
    # Every field is read even when one is missing, so that one run reports all of them.
    ok = w.require(cf, CHOICE_REQUIRED, ci, "a choice")
    cid = w.ident(cf["id"][1], "the choice id") if "id" in cf else None
    what = f"choice '{cid}'" if cid else "a choice"
    # A choice inherits its node's allowed terms and may add its own.
    allow = allow | w.allow_terms(cf)
    text = w.text(cf["text"][1], f"the text of {what}", field_name="choice",
                  allow=allow) if "text" in cf else None
    role = _role(w, cf)
    effects = _effects(w, cf, what)
    feedback = _feedback(w, cf, ci, what, role, allow)
    nxt = None
    if "next" in cf:
        nxt = w.ident(cf["next"][1], "next")
        # The target is checked by the graph phase, once every node id is known.
        if nxt and cid:
            targets.append((nxt, pos(cf["next"][1]), cid))
    if not ok or cid is None or text is None or role is None or feedback is None or nxt is None:
        return None
    return Choice(cid, text, role, feedback, nxt, MappingProxyType(effects))


def _role(w: Walker, cf: Fields) -> Role | None:
    if "role" not in cf:
        return None
    tag = w.text(cf["role"][1], "the role")
    if tag is None:
        return None
    try:
        return Role(tag)
    except ValueError:
        # Every role is listed: there are only nine, and the closest may not be the meant one.
        w.report(cf["role"][1], f"unknown role '{tag}'{suggest(tag, _ROLE_NAMES)} "
                                f"(roles: {', '.join(_ROLE_NAMES)})", codes.UNKNOWN_ROLE)
        return None


def _effects(w: Walker, cf: Fields, what: str) -> dict[int, int]:
    """``{competency number: effect}``: known numbers, each once, effects in range."""
    effects: dict[int, int] = {}
    if "competencies" not in cf:
        return effects
    ef = cf["competencies"][1]
    if not isinstance(ef, yaml.MappingNode):
        w.report(ef, "a choice's competencies should look like {3: 1, 6: -1} "
                     "(competency number: effect)", codes.WRONG_TYPE)
        return effects
    for k, v in ef.value:
        # Keys are numbers here, so the generic mapping check (words only) does not apply.
        num = w.integer(k, "a competency number")
        eff = w.integer(v, "a competency effect")
        if num is None or eff is None:
            continue
        if num not in COMPETENCIES:
            w.report(k, f"unknown competency {num}; SAMHSA's core competencies "
                        "are numbered 1 to 12", codes.UNKNOWN_COMPETENCY)
        elif num in effects:
            w.report(k, f"competency {num} appears twice in {what}", codes.DUPLICATE_KEY)
        elif not EFFECT_MIN <= eff <= EFFECT_MAX:
            w.report(v, f"a competency effect should be from {EFFECT_MIN} to "
                        f"{EFFECT_MAX}, not {eff}", codes.OUT_OF_RANGE)
        else:
            effects[num] = eff
    return effects


def _feedback(w: Walker, cf: Fields, ci: yaml.Node, what: str, role: Role | None,
              allow: frozenset[str]) -> Feedback | None:
    """``why`` always; ``better`` too when the role is a drift."""
    if "feedback" not in cf:
        w.report(ci, f"{what} has no feedback; say why this response matters and what a "
                     "better one would do", codes.NO_FEEDBACK)
        return None
    node = cf["feedback"][1]
    ff = w.mapping(node, f"the feedback of {what}", FEEDBACK_KEYS)
    if ff is None:
        return None
    if "why" not in ff:
        w.report(node, f"the feedback of {what} has no 'why'", codes.NO_FEEDBACK)
    why = w.text(ff["why"][1], "the feedback's 'why'", field_name="why",
                 allow=allow) if "why" in ff else None
    better = ""
    if "better" in ff:
        better = w.text(ff["better"][1], "the feedback's 'better'", field_name="better",
                        allow=allow) or ""
    # A drift without 'better' tells the trainee what went wrong but not what to do instead.
    if role is not None and role.is_drift and "better" not in ff:
        w.report(node, f"the feedback of {what} has no 'better': say what a more "
                       "peer-aligned response would do", codes.NO_FEEDBACK)
    return Feedback(why, better) if why else None
