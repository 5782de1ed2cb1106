"""The order a decision's responses are shown in: shuffled once per attempt, the same ever after.

Authors write the peer-aligned response first more often than not, so the
file's order would give the answer away. Each attempt (and each group
session) gets a seed, stored with it; the order of every decision is then a
pure function of (seed, node id). Resuming, stepping back, the debrief,
History and every export recompute exactly the order the person saw.

A seed has two parts: a random *base* (the top bits), which picks a shuffled
order per decision, and a *turn* (the low ``TURN_BITS`` bits), which rotates
that order. A trainee's next attempt at the same scenario keeps the base and
takes the next turn, so over n replays each of n responses sits once in
every position: random to start with, never stuck in one place. (With a new
random order every time, a three-response decision would leave the peer
answer in only two places over ten plays about one time in twenty.)

The shuffle is our own (SHA-256 driven Fisher-Yates) rather than
``random.shuffle``, whose algorithm Python does not promise to keep: a
stored seed must give the same order in every future version.
"""

from __future__ import annotations

import hashlib
import secrets

from peerscenarios.core.model import Choice, Node

# Seeds are stored as signed 64-bit integers; 63 bits keep them positive.
SEED_BITS = 63
TURN_BITS = 6
_TURNS = 1 << TURN_BITS


def new_seed() -> int:
    """A fresh random seed (random base and turn): a first attempt, or a group session."""
    return secrets.randbits(SEED_BITS)


def next_seed(previous: int | None) -> int:
    """The seed of a trainee's next attempt: the same base, the next turn (new if none)."""
    if previous is None:
        return secrets.randbits(SEED_BITS - TURN_BITS) << TURN_BITS
    # The base bits kept, the turn advanced; after 64 plays it wraps to the first order.
    return (previous >> TURN_BITS << TURN_BITS) | ((previous + 1) % _TURNS)


def _draw(seed: int, node_id: str, step: int, bound: int) -> int:
    """A number in ``range(bound)`` fixed by (seed, node, step)."""
    digest = hashlib.sha256(f"{seed}:{node_id}:{step}".encode()).digest()
    # 64 bits against a bound of at most 9 choices: the modulo bias is below 1e-18.
    return int.from_bytes(digest[:8], "big") % bound


def permutation(seed: int, node_id: str, count: int) -> tuple[int, ...]:
    """Indices ``0..count-1`` in the shuffled order for one decision."""
    order = list(range(count))
    # Keyed by node id, so each decision shuffles on its own: adding a decision to a
    # scenario leaves the orders of the others as they were.
    for i in range(count - 1, 0, -1):
        j = _draw(seed, node_id, i, i + 1)
        order[i], order[j] = order[j], order[i]
    return tuple(order)


def shown_choices(node: Node, seed: int | None) -> tuple[Choice, ...]:
    """The node's responses in the order shown to this attempt.

    ``seed`` None (an attempt recorded before responses were shuffled) and a
    node pinned with ``order: fixed`` keep the order the file gives.
    """
    if seed is None or node.fixed_order or len(node.choices) < 2:
        return node.choices
    count = len(node.choices)
    base = permutation(seed >> TURN_BITS, node.id, count)
    turn = seed % _TURNS
    return tuple(node.choices[base[(i + turn) % count]] for i in range(count))


def position_of(node: Node, seed: int | None, choice_id: str) -> int | None:
    """The 1-based place ``choice_id`` had on screen, or None if the node has no such choice."""
    for i, choice in enumerate(shown_choices(node, seed), 1):
        if choice.id == choice_id:
            return i
    return None
