"""The answer order: shuffled per attempt, fixed by its seed, never a tell by position."""

from __future__ import annotations

from collections import defaultdict

from peerscenarios.app.order import (
    SEED_BITS,
    TURN_BITS,
    new_seed,
    next_seed,
    permutation,
    position_of,
    shown_choices,
)
from peerscenarios.core.library import Library
from peerscenarios.core.model import Scenario
from peerscenarios.core.taxonomy import Role


def test_the_shuffle_is_our_own_and_never_changes() -> None:
    # A stored seed must give the same order in every future version: these are pinned.
    assert permutation(12345, "coffee", 3) == (1, 0, 2)
    assert permutation(12345, "coffee", 4) == (3, 0, 2, 1)
    assert permutation(7, "second", 5) == (1, 4, 2, 3, 0)


def test_turns_rotate_the_same_shuffle(typical: Scenario) -> None:
    node = typical.node("website")
    base = 12345 << TURN_BITS
    orders = [[c.id for c in shown_choices(node, base | turn)] for turn in range(3)]
    # Pinned: the base shuffle, then the same order rotated by one and by two.
    assert orders == [["just-enroll", "hear-the-wish", "stress-check"],
                      ["hear-the-wish", "stress-check", "just-enroll"],
                      ["stress-check", "just-enroll", "hear-the-wish"]]


def test_every_order_is_a_permutation_and_depends_on_seed_and_node() -> None:
    orders = {permutation(seed, "n", 4) for seed in range(200)}
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert len(orders) == 24  # every one of the 4! orders turns up
    assert permutation(1, "a", 4) != permutation(1, "b", 4) or permutation(2, "a", 4) != \
        permutation(2, "b", 4)


def test_new_seeds_fit_the_database_and_differ() -> None:
    seeds = {new_seed() for _ in range(50)}
    assert len(seeds) == 50
    assert all(0 <= s < 2**SEED_BITS for s in seeds)


def test_old_attempts_and_pinned_decisions_keep_the_file_order(typical: Scenario) -> None:
    node = next(n for n in typical.iter_nodes() if len(n.choices) > 2)
    assert shown_choices(node, None) == node.choices
    pinned = type(node)(**{**{f: getattr(node, f) for f in node.__slots__},  # type: ignore[attr-defined]
                           "fixed_order": True})
    assert shown_choices(pinned, 99) == node.choices
    shown = shown_choices(node, 99)
    assert sorted(c.id for c in shown) == sorted(c.id for c in node.choices)
    for i, choice in enumerate(shown, 1):
        assert position_of(node, 99, choice.id) == i
    assert position_of(node, 99, "no-such-choice") is None


def test_replays_take_the_next_turn_of_the_same_shuffle() -> None:
    first = next_seed(None)
    assert first % (1 << TURN_BITS) == 0
    second = next_seed(first)
    assert second >> TURN_BITS == first >> TURN_BITS
    assert second % (1 << TURN_BITS) == 1
    last_turn = (first >> TURN_BITS << TURN_BITS) | ((1 << TURN_BITS) - 1)
    assert next_seed(last_turn) == first  # the turn wraps, the base stays


def test_played_ten_times_the_peer_response_moves_around(builtin_library: Library) -> None:
    """The issue's measure: over 10 attempts each peer-aligned response sits in >= 3 places."""
    seeds = [next_seed(None)]
    for _ in range(9):
        seeds.append(next_seed(seeds[-1]))
    for scenario in builtin_library.scenarios:
        for node in scenario.iter_nodes():
            if len(node.choices) < 3 or node.fixed_order:
                continue
            peer = next(c.id for c in node.choices if c.role is Role.PEER)
            places = {position_of(node, seed, peer) for seed in seeds}
            assert len(places) >= 3, (scenario.id, node.id, places)


def test_first_place_is_shared_out_fairly(builtin_library: Library) -> None:
    # Over many attempts, the first response on screen is peer-aligned about as often
    # as chance says (1 in the number of choices), not every time as in the files.
    firsts: dict[bool, int] = defaultdict(int)
    expected = 0.0
    for scenario in builtin_library.scenarios:
        for node in scenario.iter_nodes():
            if len(node.choices) < 2:
                continue
            for seed in range(40):
                firsts[shown_choices(node, seed)[0].role is Role.PEER] += 1
                expected += sum(c.role is Role.PEER for c in node.choices) / len(node.choices)
    total = firsts[True] + firsts[False]
    assert abs(firsts[True] - expected) < 0.1 * total
