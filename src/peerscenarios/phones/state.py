"""The votes of one phone session: join code, phone tokens, the open question and its counts.

Pure Python and single-threaded by design: only the server's event loop
touches a :class:`VoteBox`, so it needs no locks. What leaves it for the GUI
is a frozen :class:`PhoneTally` (counts only, never which phone voted what);
what leaves it for a phone is that phone's own view (the question, the
response texts it was given, its own vote), never anyone else's vote or the
running counts, so a phone cannot be used to watch the room drift.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# 31 symbols that cannot be misread for each other: no 0/O, 1/I/L.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# 31^6 is about 887 million codes, and six characters read off a projector in seconds.
CODE_LENGTH = 6

# A class is tens of phones; a token cap keeps a flood of fresh cookies from using memory.
MAX_PHONES = 1000


def make_join_code() -> str:
    """A random 6-character join code from :data:`ALPHABET` (about 2^29.7 codes)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def make_token() -> str:
    """A random 128-bit phone token, as 32 hex digits."""
    return secrets.token_hex(16)


class Phase(StrEnum):
    """Where the session is, as a phone sees it."""

    WAITING = "waiting"
    OPEN = "open"
    CLOSED = "closed"
    ENDED = "ended"


class VoteResult(StrEnum):
    """What became of one vote."""

    COUNTED = "counted"
    UNCHANGED = "unchanged"
    CLOSED = "closed"
    STALE = "stale"
    BAD_LETTER = "bad-letter"
    UNKNOWN_PHONE = "unknown-phone"


@dataclass(frozen=True, slots=True)
class Option:
    """One response on a phone: its letter and its plain text, in the order the presenter gave."""

    letter: str
    text: str


@dataclass(frozen=True, slots=True)
class PhoneTally:
    """What the presenter is told: counts per letter, phones joined, votes cast. No identities.

    ``question_id`` is the question the counts belong to (None before the
    first question); ``phones`` counts phones whose page has connected (a
    private tab or a second browser is another phone); ``votes`` is how many
    of them have a vote on this question.
    """

    question_id: str | None
    counts: tuple[tuple[str, int], ...]
    phones: int
    votes: int

    def count(self, letter: str) -> int:
        """Phone votes for ``letter`` (0 if it is not on offer)."""
        return next((n for ltr, n in self.counts if ltr == letter), 0)


class VoteBox:
    """The state of one phone session; every method is called on the server's loop only."""

    def __init__(self, max_phones: int = MAX_PHONES) -> None:
        self.max_phones = max_phones
        self.phase = Phase.WAITING
        self.question_id: str | None = None
        self.options: tuple[Option, ...] = ()
        # Bumped on every change a phone should hear about (open, close, end).
        self.version = 0
        self._issued: set[str] = set()
        self._joined: set[str] = set()
        self._votes: dict[str, str] = {}

    # ------------------------------------------------------------ phones

    def issue_token(self) -> str | None:
        """A new phone token, or None when the session already has as many as it takes."""
        if len(self._issued) >= self.max_phones:
            return None
        token = make_token()
        self._issued.add(token)
        return token

    def knows(self, token: str | None) -> bool:
        """True for a token this session issued."""
        return token is not None and token in self._issued

    def join(self, token: str) -> bool:
        """Count a phone whose page has connected; True if it is new (the tally changed)."""
        if token not in self._issued or token in self._joined:
            return False
        self._joined.add(token)
        return True

    @property
    def phones(self) -> int:
        """Phones whose page has connected."""
        return len(self._joined)

    # ---------------------------------------------------------- questions

    def open(self, question_id: str, options: list[tuple[str, str]]) -> None:
        """Open a question; the same id again reopens it with its votes kept.

        ``options`` are (letter, plain text) pairs in the order the phones show them.
        """
        letters = [letter for letter, _ in options]
        if len(set(letters)) != len(letters) or not options:
            raise ValueError("a question needs options with distinct letters")
        # The same question again keeps its votes: the presenter stepping back and forward
        # must not wipe the room's hands.
        if question_id != self.question_id:
            self._votes = {}
        self.question_id = question_id
        self.options = tuple(Option(letter, text) for letter, text in options)
        self.phase = Phase.OPEN
        self.version += 1

    def close(self) -> None:
        """Stop taking votes; the counts stay as they are."""
        if self.phase is Phase.OPEN:
            self.phase = Phase.CLOSED
            self.version += 1

    def end(self) -> None:
        """The session is over: nothing is taken any more."""
        if self.phase is not Phase.ENDED:
            self.phase = Phase.ENDED
            self.version += 1

    def vote(self, token: str | None, question_id: object, letter: object) -> VoteResult:
        """Record (or change) one phone's vote on the open question."""
        if token is None or token not in self._issued:
            return VoteResult.UNKNOWN_PHONE
        if self.phase is not Phase.OPEN:
            return VoteResult.CLOSED
        if question_id != self.question_id:
            return VoteResult.STALE
        if not isinstance(letter, str) or letter not in {o.letter for o in self.options}:
            return VoteResult.BAD_LETTER
        # A phone that votes has joined, whichever of its page's requests came first.
        self._joined.add(token)
        if self._votes.get(token) == letter:
            return VoteResult.UNCHANGED
        self._votes[token] = letter
        return VoteResult.COUNTED

    def vote_of(self, token: str | None) -> str | None:
        """This phone's vote on the current question, if any."""
        return self._votes.get(token) if token is not None else None

    # ------------------------------------------------------------- views

    def tally(self) -> PhoneTally:
        """Counts for the presenter, in the options' order."""
        counts = {o.letter: 0 for o in self.options}
        for letter in self._votes.values():
            counts[letter] += 1
        return PhoneTally(self.question_id, tuple(counts.items()), len(self._joined),
                          len(self._votes))

    def view_for(self, token: str | None) -> dict[str, Any]:
        """What one phone may see: the phase, the open question's options, its own vote."""
        view: dict[str, Any] = {"state": self.phase.value, "question": None, "options": [],
                                "vote": None}
        if self.phase in (Phase.OPEN, Phase.CLOSED):
            view["question"] = self.question_id
            view["vote"] = self.vote_of(token)
        if self.phase is Phase.OPEN:
            view["options"] = [{"letter": o.letter, "text": o.text} for o in self.options]
        return view
