"""The vote box on its own: join codes, tokens, one changeable vote per phone, counts only."""

from __future__ import annotations

import re

import pytest

from peerscenarios.phones.state import (
    ALPHABET,
    Phase,
    VoteBox,
    VoteResult,
    make_join_code,
    make_token,
)

OPTIONS = [("A", "Ask what she wants"), ("B", "Tell her what to do"), ("C", "Call for her")]


def test_join_codes_use_31_symbols_that_cannot_be_misread() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set(ALPHABET) & set("01OIL")
    codes = {make_join_code() for _ in range(200)}
    assert all(len(c) == 6 and set(c) <= set(ALPHABET) for c in codes)
    assert len(codes) > 190  # random, not a sequence


def test_tokens_are_128_random_bits() -> None:
    tokens = {make_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)


def test_a_phone_votes_changes_its_vote_and_counts_once() -> None:
    box = VoteBox()
    one, two = box.issue_token(), box.issue_token()
    assert one
    assert two
    box.open("q1", OPTIONS)
    assert box.vote(one, "q1", "A") is VoteResult.COUNTED
    assert box.vote(two, "q1", "A") is VoteResult.COUNTED
    assert box.vote(one, "q1", "B") is VoteResult.COUNTED
    assert box.vote(one, "q1", "B") is VoteResult.UNCHANGED
    tally = box.tally()
    assert tally.counts == (("A", 1), ("B", 1), ("C", 0))
    assert (tally.phones, tally.votes) == (2, 2)
    assert tally.count("B") == 1
    assert tally.count("Z") == 0
    assert box.vote_of(one) == "B"


def test_votes_are_refused_when_closed_stale_unknown_or_off_the_list() -> None:
    box = VoteBox()
    token = box.issue_token()
    assert box.vote(token, "q1", "A") is VoteResult.CLOSED  # nothing open yet
    box.open("q1", OPTIONS)
    assert box.vote(token, "q0", "A") is VoteResult.STALE
    assert box.vote(token, "q1", "Z") is VoteResult.BAD_LETTER
    assert box.vote(token, "q1", 3) is VoteResult.BAD_LETTER
    assert box.vote("f" * 32, "q1", "A") is VoteResult.UNKNOWN_PHONE
    assert box.vote(None, "q1", "A") is VoteResult.UNKNOWN_PHONE
    box.close()
    assert box.vote(token, "q1", "A") is VoteResult.CLOSED
    assert box.tally().votes == 0


def test_reopening_a_question_keeps_its_votes_and_a_new_one_starts_empty() -> None:
    box = VoteBox()
    token = box.issue_token()
    box.open("q1", OPTIONS)
    box.vote(token, "q1", "C")
    box.close()
    box.open("q1", OPTIONS)
    assert box.vote_of(token) == "C"
    box.open("q2", OPTIONS[:2])
    assert box.vote_of(token) is None
    assert box.tally().counts == (("A", 0), ("B", 0))


def test_a_phone_sees_its_own_vote_never_the_counts() -> None:
    box = VoteBox()
    mine, other = box.issue_token(), box.issue_token()
    box.open("q1", OPTIONS)
    box.vote(other, "q1", "A")
    view = box.view_for(mine)
    assert view == {"state": "open", "question": "q1", "vote": None,
                    "options": [{"letter": ltr, "text": t} for ltr, t in OPTIONS]}
    box.vote(mine, "q1", "B")
    box.close()
    assert box.view_for(mine) == {"state": "closed", "question": "q1", "options": [],
                                  "vote": "B"}
    box.end()
    assert box.phase is Phase.ENDED
    assert box.view_for(mine)["state"] == "ended"


def test_phones_count_when_their_page_connects_and_the_box_has_a_cap() -> None:
    box = VoteBox(max_phones=2)
    one, two = box.issue_token(), box.issue_token()
    assert box.issue_token() is None
    assert box.phones == 0
    assert one
    assert box.join(one)
    assert not box.join(one)
    assert not box.join("0" * 32)
    box.open("q1", OPTIONS)
    box.vote(two, "q1", "A")  # voting counts the phone too
    assert box.phones == 2


@pytest.mark.parametrize("options", [[], [("A", "x"), ("A", "y")]])
def test_a_question_needs_distinct_letters(options: list[tuple[str, str]]) -> None:
    with pytest.raises(ValueError, match="distinct letters"):
        VoteBox().open("q1", options)
