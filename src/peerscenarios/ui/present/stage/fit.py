"""The stage's fitting maths, Qt-free: which type size and how many columns fit a step.

The stage lays text out by hand (measuring a few word-wrapped labels is
cheaper and steadier than nested layouts when the whole page is re-fitted at
every step). What is pure arithmetic lives here, unit-tested without Qt: the
ladder of body sizes to try, which column counts make sense, how tall a
column of blocks or a grid of cards is, and the search for the largest size
that still fits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

# The stage never shrinks text below this share of its full size; past it, a very
# long step is clipped rather than made unreadable from the back of a room.
MIN_SHRINK = 0.55

# Fixed steps (rather than any size) keep the glyph cache warm from one step to the next.
LADDER = (1.25, 1.12, 1.0, 0.92, 0.84, 0.77, 0.7, 0.64, 0.59, MIN_SHRINK)

# No glyph on the stage is drawn smaller than this many pixels.
MIN_PX = 6


def type_ladder(base: int, grow: float = 1.0) -> list[int]:
    """Body sizes to try, largest first: the ladder's steps around ``base`` up to ``grow``."""
    out: list[int] = []
    for f in (f for f in LADDER if f <= grow + 1e-9):
        px = max(MIN_PX, round(base * f))
        if not out or px < out[-1]:
            out.append(px)
    return out


def gap_for(px: int) -> int:
    """The space between blocks at body size ``px``: half a line, never under 3 px."""
    return max(3, round(px * 0.5))


def column_options(cards: int, max_columns: int) -> list[int]:
    """Column counts worth trying for ``cards`` cards: a second column needs three cards."""
    return [c for c in range(1, max_columns + 1) if c == 1 or cards >= 2 * c - 1]


def column_width(width: int, gap: int, columns: int) -> int:
    """The width of each column when ``columns`` share ``width`` with gaps between them."""
    return (width - gap * (columns - 1)) // columns


def stack_height(heights: Sequence[int], gap: int) -> int:
    """A column of blocks one under another; blocks of height 0 take no room (nor a gap)."""
    shown = [h for h in heights if h]
    return sum(shown) + gap * max(0, len(shown) - 1)


def grid_height(card_heights: Sequence[int], columns: int, gap: int) -> int:
    """Cards in rows of ``columns``: each row as tall as its tallest card, gaps between."""
    rows = [card_heights[i:i + columns] for i in range(0, len(card_heights), columns)]
    return sum(max(r) for r in rows) + gap * max(0, len(rows) - 1)


def largest_fitting(sizes: Sequence[int], height_at: Callable[[int], int], limit: int) -> int:
    """The largest size (``sizes`` is largest first) whose height is within ``limit``.

    Binary search: the height grows with the size. When even the smallest
    size is too tall it is returned anyway (the overflow is clipped).
    """
    lo, hi = 0, len(sizes) - 1
    if height_at(sizes[hi]) > limit:
        return sizes[hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if height_at(sizes[mid]) <= limit:
            hi = mid
        else:
            lo = mid + 1
    return sizes[lo]


def _swap(height_at: Callable[[int, int], int], cols: int, px: int) -> int:
    return height_at(px, cols)


def best_layout(sizes: Sequence[int], columns: Sequence[int],
                height_at: Callable[[int, int], int], limit: int) -> tuple[int, int]:
    """The (size, columns) pair with the largest size that fits; fewer columns win ties."""
    best: tuple[int, int] | None = None
    for cols in columns:
        px = largest_fitting(sizes, partial(_swap, height_at, cols), limit)
        if best is None or px > best[0]:
            best = (px, cols)
    return best or (sizes[-1], 1)
