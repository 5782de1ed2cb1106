"""Content lint: language and teaching-quality checks on a scenario that already validates.

These are warnings (errors under ``--strict``): stigmatising terms, feedback
that teaches nothing, decisions whose drift choices are all one kind, an
estimate of minutes that disagrees with the text, and missing content warnings.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from peerscenarios.core.diagnostics import Diagnostic, Severity
from peerscenarios.core.model import Scenario
from peerscenarios.core.routes import enumerate_routes
from peerscenarios.core.taxonomy import ROLE_INFO
from peerscenarios.core.tells import tell_warnings
from peerscenarios.core.validator import TextSpan, ValidationResult

# 175 words a minute is the reading pace the course material itself plans with.
# On top of reading: weighing three or four deliberately close responses takes about
# half a minute, and a reflection prompt answered in a few written sentences takes
# 2 to 3 minutes (thinking, then typing), so each prompt counts 2.5 minutes. With the
# usual two prompts per route that is most of a solo attempt, which is why the
# facilitator guide tells a 5-7 minute class slot to use one prompt.
WORDS_PER_MINUTE = 175
SECONDS_PER_DECISION = 30
SECONDS_PER_PROMPT = 150


@dataclass(frozen=True, slots=True)
class StigmaTerm:
    """A stigmatising expression, the word that allows it, and what to write instead."""

    regex: str
    key: str
    instead: str


def _t(regex: str, key: str, instead: str) -> StigmaTerm:
    return StigmaTerm(regex, key, instead)


STIGMA_TERMS: tuple[StigmaTerm, ...] = (
    _t(r"\baddicts?\b", "addict", "'person who uses drugs' or 'person in recovery'"),
    _t(r"\bjunkies?\b", "junkie", "'person who uses drugs'"),
    _t(r"\bdruggies?\b", "druggie", "'person who uses drugs'"),
    _t(r"\b(?:stay|stays|stayed|staying|get|gets|got|getting|been|being|am|is|was|were|are|"
       r"keep|kept|keeping|remain|remained)\s+clean\b", "clean",
       "'in recovery' or 'not using'"),
    _t(r"\bclean\s+(?:time|tests?|screens?|urines?|uas?|drops?|dates?|and\s+sober)\b", "clean",
       "'time in recovery' or 'a negative test'"),
    _t(r"\bdirty\s+(?:tests?|screens?|urines?|uas?|drops?)\b", "dirty", "'a positive test'"),
    _t(r"\b(?:tested|came\s+back|comes\s+back|come\s+back|was|is|were|went)\s+dirty\b", "dirty",
       "'a positive test' or 'returned to use'"),
    _t(r"\bcrazy\b", "crazy", "a description of what is actually happening"),
    _t(r"\bnon-?compliant\b", "noncompliant",
       "'not taking the medication right now' or 'chose not to'"),
    _t(r"\bnon-?compliance\b", "noncompliance", "'chose not to' or 'not taking'"),
    _t(r"\bsuffer(?:s|ing)?\s+from\b", "suffering from", "'living with' or 'has'"),
    _t(r"\b(?:an|the|a\s+recovering)\s+alcoholics?\b|\balcoholics\b", "alcoholic",
       "'person with an alcohol use disorder' or 'person in recovery'"),
    _t(r"\b(?:substance|drug|alcohol)\s+abusers?\b|\babusers?\b", "abuser",
       "'person who uses drugs'"),
    _t(r"\bsubstance\s+abuse\b", "substance abuse", "'substance use'"),
    _t(r"\bfrequent\s+flyers?\b", "frequent flyer", "'someone who has been here often'"),
    _t(r"\bcommit(?:ted|s)?\s+suicide\b", "committed suicide", "'died by suicide'"),
    _t(r"\b(?:a|the|classic|typical|just|another)\s+(?:schizophrenics?|bipolars?|"
       r"borderlines?|manic|paranoid\s+schizophrenic)\b", "label",
       "'a person living with ...'"),
    _t(r"\bpsychos?\b", "psycho", "a description of what is actually happening"),
    _t(r"\blunatics?\b", "lunatic", "a description of what is actually happening"),
)

# One alternation with a named group per term: a single pass over each text.
_STIGMA_ANY = re.compile(
    "|".join(f"(?P<t{i}>{t.regex})" for i, t in enumerate(STIGMA_TERMS)),
    re.IGNORECASE,
)

# Cheap literal pre-filter: most texts contain none of these stems, and the full
# term patterns are only worth running on the few that do.
_STEM_WORDS = ("addict", "junk", "drug", "clean", "dirty", "crazy", "complian", "suffer",
               "alcoholic", "abuse", "flyer", "suicid", "schizo", "bipolar", "borderline",
               "manic", "paranoid", "psycho", "lunatic")
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})

_ONLY_VERDICT = re.compile(
    r"^\W*(?:that(?:'s| is)\s+)?(?:wrong|incorrect|bad|not\s+good|no|correct|right|good|"
    r"great|yes)\W*$",
    re.IGNORECASE,
)
# Fewer words than this can say that a response is wrong, not why it matters.
MIN_WHY_WORDS = 8

_WARNING_TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("suicide", re.compile(
        r"\bsuicid\w*|\bkill(?:ing)?\s+(?:myself|himself|herself|themselves|themself)\b|"
        r"\bend(?:ing)?\s+(?:my|his|her|their)\s+life\b", re.IGNORECASE)),
    ("overdose", re.compile(r"\boverdos\w*|\bOD(?:'d|ed)\b", re.IGNORECASE)),
    ("self-harm", re.compile(r"\bself[- ]harm\w*|\bcutting\s+(?:myself|himself|herself)\b",
                             re.IGNORECASE)),
)


# Any of the topics, for a first pass over all the text at once.
_ANY_TRIGGER = re.compile("|".join(f"(?:{p.pattern})" for _w, p in _WARNING_TRIGGERS),
                          re.IGNORECASE)


def lint(result: ValidationResult) -> list[Diagnostic]:
    """Every content warning for a validated file (nothing if it did not validate)."""
    scenario = result.scenario
    if scenario is None:
        return []
    out: list[Diagnostic] = []
    index = _SpanIndex(result)
    out += _stigma(result, scenario)
    out += _feedback(result, scenario, index)
    out += _same_kind(result, scenario, index)
    out += _minutes(result, scenario)
    out += _content_warnings(result, scenario)
    out += tell_warnings(scenario, result.path, index.mark)
    return out


def _diag(result: ValidationResult, scenario: Scenario, line: int, col: int, message: str,
          code: str, node_id: str = "") -> Diagnostic:
    return Diagnostic(result.path, line, col, Severity.WARNING, message, code, scenario.id,
                      node_id)


def _with_match(spans: list[TextSpan], pattern: re.Pattern[str]) -> list[TextSpan]:
    """The spans in which ``pattern`` finds something, in order.

    One search over all the texts joined (by a character no pattern matches
    across) instead of one per span: the per-call cost was most of the lint's
    time on a 40-node file.
    """
    starts: list[int] = []
    pos = 0
    for span in spans:
        starts.append(pos)
        pos += len(span.text) + 1
    joined = "\x00".join(span.text for span in spans)
    hits: list[TextSpan] = []
    for m in pattern.finditer(joined):
        span = spans[bisect.bisect_right(starts, m.start()) - 1]
        if not hits or hits[-1] is not span:
            hits.append(span)
    return hits


def _with_stems(spans: list[TextSpan]) -> list[TextSpan]:
    """The spans that contain one of the stems, found with plain substring searches.

    A case-insensitive alternation scans every character once per stem in
    Python's regular expressions (6 ms on a 40-node file); lowercased substring
    search is C-fast. The translation first maps the four characters that
    Python's case-insensitive matching pairs with an ASCII letter (İ ı ſ K), so
    nothing the old pattern found is missed.
    """
    low = "\x00".join(span.text for span in spans).translate(_FOLD).lower()
    found = [stem for stem in _STEM_WORDS if stem in low]
    if not found:
        return []
    return [span for span, piece in zip(spans, low.split("\x00"), strict=True)
            if any(stem in piece for stem in found)]


def _stigma(result: ValidationResult, scenario: Scenario) -> list[Diagnostic]:
    out = []
    for span in _with_stems(result.spans):
        for m in _STIGMA_ANY.finditer(span.text):
            # The terms use only (?:...) groups, so the group that matched last is always
            # the 't<i>' wrapper, which says which term this is without a second search.
            term = STIGMA_TERMS[int((m.lastgroup or "t0")[1:])]
            word = m.group(0).lower()
            # allow_terms may name the term ('clean') or a word of what matched ('dirty'),
            # for a character who says it on purpose.
            if term.key in span.allow or any(a in word for a in span.allow):
                continue
            out.append(_diag(
                result, scenario, span.line, span.col,
                f"'{m.group(0)}' is stigmatising language; prefer {term.instead} (if a "
                f"character says it on purpose, add it to allow_terms)", "PS101",
                span.node_id))
    return out


class _SpanIndex:
    """The text spans by node and field, built once.

    Looking spans up by scanning the whole list for every node made the lint
    quadratic: a 10,000-node file took 5 to 18 seconds.
    """

    def __init__(self, result: ValidationResult) -> None:
        self.by_field: dict[tuple[str, str], list[TextSpan]] = {}
        self.first: dict[str, TextSpan] = {}
        for span in result.spans:
            self.by_field.setdefault((span.node_id, span.field), []).append(span)
            self.first.setdefault(span.node_id, span)

    def spans(self, node_id: str, field: str) -> list[TextSpan]:
        """The node's spans of one field, in file order."""
        return self.by_field.get((node_id, field), [])

    def mark(self, node_id: str) -> tuple[int, int]:
        """Where the node's first text is (1, 1 if it has none)."""
        span = self.first.get(node_id)
        return (span.line, span.col) if span is not None else (1, 1)


def _feedback(result: ValidationResult, scenario: Scenario,
              index: _SpanIndex) -> list[Diagnostic]:
    out = []
    for node in scenario.iter_nodes():
        why_spans = index.spans(node.id, "why")
        for i, choice in enumerate(node.choices):
            span = why_spans[i] if i < len(why_spans) else None
            line, col = (span.line, span.col) if span else (1, 1)
            why = choice.feedback.why
            if _ONLY_VERDICT.match(why) or len(why.split()) < MIN_WHY_WORDS:
                out.append(_diag(
                    result, scenario, line, col,
                    f"the feedback for choice '{choice.id}' is too thin to teach: say why this "
                    "response matters for the peer role", "PS102", node.id))
                continue
            if choice.role.is_drift:
                words = f"{why} {choice.feedback.better}".lower()
                keys = ROLE_INFO[choice.role].keywords
                if not any(k in words for k in keys):
                    out.append(_diag(
                        result, scenario, line, col,
                        f"the feedback for choice '{choice.id}' never names the role it "
                        f"drifts into ({choice.role.label.lower()}); say it in plain words, "
                        f"e.g. using '{keys[0]}'", "PS102", node.id))
    return out


def _same_kind(result: ValidationResult, scenario: Scenario,
               index: _SpanIndex) -> list[Diagnostic]:
    out = []
    for node in scenario.iter_nodes():
        drift = {c.role for c in node.choices if c.role.is_drift}
        count = sum(1 for c in node.choices if c.role.is_drift)
        if count >= 2 and len(drift) == 1:
            line, col = index.mark(node.id)
            role = next(iter(drift))
            out.append(_diag(
                result, scenario, line, col,
                f"every drift choice in decision '{node.id}' is {role.label.lower()}; mix "
                "kinds so the trainee has to tell them apart", "PS103", node.id))
    return out


def _words(text: str) -> int:
    return len(text.split())


def estimate_minutes(scenario: Scenario) -> float:
    """Average minutes of play over all routes: reading, deciding and reflecting."""
    # An average needs a sample, not every route: 500 keeps a heavily branching file from
    # costing more to estimate than to validate.
    routes = enumerate_routes(scenario, limit=500)
    if not routes:
        return 0.0
    # Count each node's words once; routes share most nodes.
    node_words: dict[str, int] = {}
    feedback_words: dict[tuple[str, str], int] = {}
    for node in scenario.iter_nodes():
        words = _words(node.text) + sum(_words(li.text) for li in node.lines)
        words += sum(_words(c.text) for c in node.choices)
        if node.ending:
            words += _words(node.ending.debrief)
        node_words[node.id] = words
        for c in node.choices:
            feedback_words[(node.id, c.id)] = _words(c.feedback.why) + _words(c.feedback.better)
    totals = []
    for route in routes:
        words = 0
        seconds = 0.0
        for step in route.steps:
            words += node_words[step.node_id]
            if step.choice_id:
                words += feedback_words[(step.node_id, step.choice_id)]
                seconds += SECONDS_PER_DECISION
            seconds += SECONDS_PER_PROMPT * len(scenario.node(step.node_id).reflect)
        totals.append(words / WORDS_PER_MINUTE + seconds / 60)
    return sum(totals) / len(totals)


def _minutes(result: ValidationResult, scenario: Scenario) -> list[Diagnostic]:
    est = estimate_minutes(scenario)
    if est <= 0:
        return []
    # Only a factor of two off is reported: reading pace differs that much between people.
    if scenario.minutes > est * 2 or scenario.minutes < est / 2:
        for s in result.spans:
            if s.field == "title":
                line = s.line
                break
        else:
            line = 1
        return [_diag(result, scenario, line, 1,
                      f"minutes says {scenario.minutes}, but the text reads as about "
                      f"{est:.0f} minute(s) of play (reading at {WORDS_PER_MINUTE} words a "
                      "minute, plus time to decide and reflect)", "PS104")]
    return []


def _content_warnings(result: ValidationResult, scenario: Scenario) -> list[Diagnostic]:
    out = []
    # Hyphens for spaces, so 'self harm' in a file declares what the 'self-harm' check wants.
    declared = " ".join(scenario.content_warnings).lower().replace(" ", "-")
    reported: set[tuple[str, str]] = set()
    spans = [s for s in result.spans if s.field not in ("facilitator", "title", "summary")]
    # Only spans that mention one of the topics at all need the per-topic look below.
    for span in _with_match(spans, _ANY_TRIGGER):
        node_declared = declared
        if span.node_id:
            try:
                node = scenario.node(span.node_id)
            except KeyError:
                node = None
            if node is not None:
                node_declared += " " + " ".join(node.content_warnings).lower().replace(" ", "-")
        for warning, pattern in _WARNING_TRIGGERS:
            # One warning per node and topic: a long scene must not bury the file in copies.
            if warning in node_declared or (span.node_id, warning) in reported:
                continue
            if pattern.search(span.text):
                reported.add((span.node_id, warning))
                out.append(_diag(
                    result, scenario, span.line, span.col,
                    f"this text mentions {warning}, but neither the node nor the scenario "
                    f"lists '{warning}' in content_warnings", "PS105", span.node_id))
    return out
