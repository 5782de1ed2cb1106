"""The group's walk through a scenario, step by step: votes, the path followed, the stage shown.

Pure Python (no Qt, no storage): ``GroupFlow`` keeps a timeline of steps the
presenter can move back and forth along, the room's votes at each decision
and the path the group followed, and turns the current step into an
audience-safe :class:`StageState`. A decision is *locked* once the group moves
on past its feedback; the caller then records it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from peerscenarios.app.group.stage_state import (
    ChoiceView,
    FeedbackView,
    LineView,
    PathItem,
    StageState,
    Step,
    TallyView,
)
from peerscenarios.app.order import shown_choices
from peerscenarios.core.engine import Mode, PlayState, advance, choose, start
from peerscenarios.core.markup import to_html, to_plain
from peerscenarios.core.model import Choice, Node, NodeKind, Scenario
from peerscenarios.core.reporting import letter
from peerscenarios.core.taxonomy import ROLE_INFO, Role

CHOICE_PROMPT = "How would you respond?"


def inline_html(text: str) -> str:
    """Inert HTML for scenario text on the stage (``to_html`` already reflows
    authors' line breaks). A single paragraph loses its <p> so a label gets no
    extra margin.
    """
    out = to_html(text)
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        return out[3:-4]
    return out


@dataclass(slots=True)
class Visit:
    """The room's vote at one visit of a decision node, and the path it followed."""

    # One per visit, not per node: a loop can bring the room back to a decision, and
    # each time is a vote of its own.
    node_id: str
    # The responses in the order the room sees them, so index i is letter i.
    choice_ids: tuple[str, ...]
    votes: list[int] = field(default_factory=list)
    override: str | None = None
    revealed_all: bool = False
    # Set when the group moves on past the feedback. From then on the votes, the path and
    # what was revealed are what the stored record says, and nothing may change them.
    locked: bool = False

    def __post_init__(self) -> None:
        if not self.votes:
            self.votes = [0] * len(self.choice_ids)

    @property
    def leaders(self) -> tuple[str, ...]:
        """Choice ids with the most hands (every choice when nobody voted yet)."""
        top = max(self.votes) if self.votes else 0
        return tuple(c for c, v in zip(self.choice_ids, self.votes, strict=True) if v == top)

    @property
    def majority(self) -> str | None:
        """The single most-voted choice, or None on a tie or before any votes."""
        leaders = self.leaders
        # A tie is no majority: the presenter picks, so list order never decides a path.
        return leaders[0] if len(leaders) == 1 and max(self.votes) > 0 else None

    @property
    def chosen(self) -> str | None:
        """The path the group follows: the presenter's pick, else the majority."""
        return self.override or self.majority

    def vote_map(self) -> dict[str, int]:
        """Votes keyed by choice id, as stored."""
        return dict(zip(self.choice_ids, self.votes, strict=True))


@dataclass(frozen=True, slots=True)
class Entry:
    """One step on the timeline: the node, the step, the engine state, the decision visit."""

    state: PlayState
    step: Step
    # The four steps of one decision share one Visit: hands typed at the tally are the
    # ones the feedback and the record use.
    visit: Visit | None = None
    count: int = 0

    @property
    def decision_number(self) -> int:
        """1 for the first decision on the group's path, 2 for the second; 0 elsewhere."""
        return self.count if self.visit is not None else 0

    @property
    def node(self) -> Node:
        """The node shown at this step."""
        return self.state.node


@dataclass(frozen=True, slots=True)
class Moved:
    """What moving forward did: a decision it locked, an ending it reached."""

    locked: Visit | None = None
    ended_at: str | None = None


class GroupFlow:
    """A group's walk through one scenario; one path, so the engine runs in assessment mode."""

    def __init__(self, scenario: Scenario, order_seed: int | None = None) -> None:
        self.scenario = scenario
        # The room sees each decision's responses in this session's shuffled order,
        # so the peer-aligned one is not always "A" on the projector.
        self.order_seed = order_seed
        # Every step shown so far, in order. Going back only moves _index; the timeline is
        # never cut, so going forward again replays the steps the group already took.
        self._entries: list[Entry] = [self._first_entry(start(scenario, Mode.ASSESSMENT), 0)]
        self._index = 0

    def shown(self, node: Node) -> tuple[Choice, ...]:
        """A decision's responses in the order (and so the letters) the room sees."""
        return shown_choices(node, self.order_seed)

    # ------------------------------------------------------------- navigation

    @property
    def current(self) -> Entry:
        """The step on screen now."""
        return self._entries[self._index]

    @property
    def at_frontier(self) -> bool:
        """True when the current step is the furthest the group has come."""
        return self._index == len(self._entries) - 1

    @property
    def finished(self) -> bool:
        """True once the group has reached an ending."""
        return self._entries[-1].step is Step.ENDING

    @property
    def can_go_back(self) -> bool:
        """True unless the current step is the first."""
        return self._index > 0

    def forward_blocker(self) -> str | None:
        """Why the group cannot move on from here (plain language), or None if it can."""
        entry = self.current
        if entry.step is Step.ENDING:
            return "This is the ending."
        visit = entry.visit
        if (visit is not None and not visit.locked and visit.chosen is None
                and entry.step in (Step.TALLY, Step.FEEDBACK)):
            tied = ", ".join(letter(visit.choice_ids.index(c)) for c in visit.leaders)
            if max(visit.votes) == 0:
                return "No votes yet: enter the counts, or pick the path the group follows."
            return f"The vote is tied ({tied}): pick the path the group follows."
        return None

    def forward(self) -> Moved:
        """Move to the next step; ValueError (plain language) if ``forward_blocker`` says no."""
        blocker = self.forward_blocker()
        if blocker is not None:
            raise ValueError(blocker)
        if not self.at_frontier:
            # Behind the frontier forward only replays: the path was fixed the first time.
            self._index += 1
            return Moved()
        entry = self.current
        nxt = self._next_entry(entry)
        locked = None
        # Leaving the feedback locks the decision; the caller records it now, once.
        if entry.step is Step.FEEDBACK and entry.visit is not None:
            entry.visit.locked = True
            locked = entry.visit
        self._entries.append(nxt)
        self._index += 1
        return Moved(locked=locked,
                     ended_at=nxt.node.id if nxt.step is Step.ENDING else None)

    def peek_forward(self) -> StageState | None:
        """What the next step would show, without moving (None if blocked or at the end)."""
        if self.forward_blocker() is not None:
            return None
        if not self.at_frontier:
            return self._state_for(self._entries[self._index + 1])
        entry = self.current
        nxt = self._next_entry(entry)
        # The decision being left is not locked yet, but the ending's path must show it.
        pending = [entry.visit] if entry.step is Step.FEEDBACK and entry.visit else []
        return self._state_for(nxt, pending)

    def peek_back(self) -> StageState | None:
        """What the previous step shows (None at the first step)."""
        if not self.can_go_back:
            return None
        return self._state_for(self._entries[self._index - 1])

    def back(self) -> bool:
        """Show the previous step again (votes of locked decisions stay as they were)."""
        if not self.can_go_back:
            return False
        self._index -= 1
        return True

    # ------------------------------------------------------------------ votes

    @property
    def votes_open(self) -> bool:
        """True when the current step takes vote counts and a path choice."""
        entry = self.current
        # Not at the feedback: the room votes before it learns which response was
        # peer-aligned, and a count changed afterwards would tell a different story.
        return (entry.visit is not None and not entry.visit.locked
                and entry.step in (Step.CHOICES, Step.TALLY))

    def set_votes(self, index: int, count: int) -> bool:
        """Set the hands for one choice; False (nothing changed) if votes are closed."""
        visit = self.current.visit
        if not self.votes_open or visit is None or not 0 <= index < len(visit.votes):
            return False
        count = max(0, int(count))
        if visit.votes[index] == count:
            return False
        visit.votes[index] = count
        return True

    def bump_votes(self, index: int, delta: int) -> bool:
        """Add (or, with a negative delta, take away) hands for one choice."""
        visit = self.current.visit
        if visit is None or not 0 <= index < len(visit.votes):
            return False
        return self.set_votes(index, visit.votes[index] + delta)

    def set_override(self, choice_id: str | None) -> bool:
        """Follow this choice whatever the vote (None: follow the majority)."""
        visit = self.current.visit
        if not self.votes_open or visit is None:
            return False
        if choice_id is not None and choice_id not in visit.choice_ids:
            raise KeyError(choice_id)
        if visit.override == choice_id:
            return False
        visit.override = choice_id
        return True

    def set_revealed_all(self, revealed: bool) -> bool:
        """Show the feedback of every response, not just the chosen one (feedback step only)."""
        entry = self.current
        if entry.step is not Step.FEEDBACK or entry.visit is None:
            return False
        if entry.visit.locked and revealed and not entry.visit.revealed_all:
            # The stored record says what the room saw when it moved on; keep it true.
            return False
        if entry.visit.revealed_all == revealed:
            return False
        entry.visit.revealed_all = revealed
        return True

    def locked_visits(self) -> list[Visit]:
        """The decisions the group has moved on from, in order."""
        seen: list[Visit] = []
        # A decision's four steps share one Visit: list it once. By identity, not by
        # value: a loop back to the same decision, voted the same way, is a second visit.
        for e in self._entries:
            if e.visit is not None and e.visit.locked and all(e.visit is not v for v in seen):
                seen.append(e.visit)
        return seen

    def pending_visit(self) -> Visit | None:
        """The decision at the frontier if its path is chosen and its feedback was shown."""
        last = self._entries[-1]
        if last.step is Step.FEEDBACK and last.visit is not None and not last.visit.locked:
            return last.visit
        return None

    # ------------------------------------------------------------- rendering

    def stage_state(self) -> StageState:
        """The audience-safe picture of the current step."""
        return self._state_for(self.current)

    def _state_for(self, entry: Entry, pending: list[Visit] | None = None) -> StageState:
        node = entry.node
        title = self.scenario.title
        if entry.step is Step.ENDING:
            ending = node.ending
            return StageState(
                scenario_title=title, step=Step.ENDING, progress="Ending",
                text_html=inline_html(node.text) if node.text else "",
                lines=self._lines(node),
                ending_title=ending.title if ending else "",
                ending_html=inline_html(ending.debrief) if ending else "",
                group_path=tuple(self._path_item(v)
                                 for v in [*self.locked_visits(), *(pending or [])]),
            )
        progress = f"Decision {entry.decision_number}" if entry.visit else ""
        if entry.step is Step.SITUATION:
            return StageState(scenario_title=title, step=Step.SITUATION, progress=progress,
                              text_html=inline_html(node.text) if node.text else "",
                              lines=self._lines(node))
        visit = entry.visit
        assert visit is not None
        # Letters follow this session's shuffled order, the same on the projector and phones.
        choices = tuple(ChoiceView(letter(i), inline_html(c.text))
                        for i, c in enumerate(self.shown(node)))
        if entry.step is Step.CHOICES:
            return StageState(scenario_title=title, step=Step.CHOICES, progress=progress,
                              prompt=CHOICE_PROMPT, choices=choices)
        chosen = visit.chosen
        chosen_index = visit.choice_ids.index(chosen) if chosen else None
        if entry.step is Step.TALLY:
            tally = TallyView(tuple(c.letter for c in choices), tuple(visit.votes), chosen_index)
            return StageState(scenario_title=title, step=Step.TALLY, progress=progress,
                              prompt="How the room voted", choices=choices, tally=tally)
        cards = []
        for i, c in enumerate(self.shown(node)):
            if c.id != chosen and not visit.revealed_all:
                continue
            info = ROLE_INFO[c.role]
            cards.append(FeedbackView(
                letter=letter(i), choice_html=inline_html(c.text), role_symbol=info.symbol,
                role_label=info.label, is_peer=c.role is Role.PEER,
                why_html=inline_html(c.feedback.why),
                better_html=inline_html(c.feedback.better) if c.feedback.better else "",
                chosen=c.id == chosen,
            ))
        prompt = (f"The group chose {letter(chosen_index)}" if chosen_index is not None
                  else "Feedback")
        return StageState(scenario_title=title, step=Step.FEEDBACK, progress=progress,
                          prompt=prompt, feedback=tuple(cards))

    def _lines(self, node: Node) -> tuple[LineView, ...]:
        # A speaker's name is a label, escaped; only what they say is scenario Markdown.
        return tuple(LineView(html.escape(ln.speaker), inline_html(ln.text)) for ln in node.lines)

    def _path_item(self, visit: Visit) -> PathItem:
        node = self.scenario.node(visit.node_id)
        assert visit.chosen is not None
        idx = visit.choice_ids.index(visit.chosen)
        choice = node.choice(visit.chosen)
        info = ROLE_INFO[choice.role]
        return PathItem(letter(idx), info.symbol, info.label, choice.role is Role.PEER,
                        inline_html(choice.text))

    # ------------------------------------------------------------- presenter

    def next_preview(self) -> str:
        """Plain text for the presenter: what the next key press will show."""
        entry = self.current
        if not self.at_frontier:
            return "Next: the step after this one again (already shown)."
        node = entry.node
        if entry.step is Step.ENDING:
            return "This is the end of the scenario. Export the record or close."
        if entry.step is Step.SITUATION and node.kind is NodeKind.DECISION:
            return f"Next: the {len(node.choices)} choices, lettered, role tags hidden."
        if entry.step is Step.CHOICES:
            return "Next: reveal the tally of the vote."
        if entry.step is Step.TALLY:
            blocker = self.forward_blocker()
            return blocker or "Next: reveal the feedback for the chosen response."
        if entry.step is Step.FEEDBACK:
            visit = entry.visit
            assert visit is not None
            if visit.chosen is None:
                return self.forward_blocker() or ""
            target = self.scenario.node(node.choice(visit.chosen).next)
            return _sentence(f"Next: the group moves on to ‘{_preview(target)}’")
        if node.next is not None:
            return _sentence(f"Next: ‘{_preview(self.scenario.node(node.next))}’")
        return ""

    def _first_entry(self, state: PlayState, count: int) -> Entry:
        """The first step at a node, ``count`` being the decisions met before it."""
        node = state.node
        if node.kind is NodeKind.ENDING:
            return Entry(state, Step.ENDING, count=count)
        if node.kind is NodeKind.DECISION:
            visit = Visit(node.id, tuple(c.id for c in self.shown(node)))
            return Entry(state, Step.SITUATION, visit, count + 1)
        return Entry(state, Step.SITUATION, count=count)

    def _next_entry(self, entry: Entry) -> Entry:
        """The step after ``entry`` on the group's path (the caller has checked it may move)."""
        if entry.step is Step.SITUATION and entry.node.kind is NodeKind.DECISION:
            return Entry(entry.state, Step.CHOICES, entry.visit, entry.count)
        if entry.step is Step.CHOICES:
            return Entry(entry.state, Step.TALLY, entry.visit, entry.count)
        if entry.step is Step.TALLY:
            return Entry(entry.state, Step.FEEDBACK, entry.visit, entry.count)
        if entry.step is Step.FEEDBACK:
            visit = entry.visit
            assert visit is not None  # guarded by forward_blocker
            assert visit.chosen is not None
            return self._first_entry(choose(entry.state, visit.chosen).state, entry.count)
        return self._first_entry(advance(entry.state), entry.count)


def _sentence(text: str) -> str:
    """End with a full stop unless the quoted text already ends a sentence ("on.’" not "on.’.")."""
    inner = text.rstrip("’”\"' ")
    return text if inner.endswith((".", "!", "?", "…")) else text + "."


def _preview(node: Node) -> str:
    if node.ending is not None:
        return f"Ending: {to_plain(node.ending.title)}"
    text = to_plain(node.text) or (to_plain(node.lines[0].text) if node.lines else node.id)
    text = " ".join(text.split())
    # One line of the presenter's panel, whatever the node's length.
    return text if len(text) <= 90 else text[:88].rstrip() + "…"
