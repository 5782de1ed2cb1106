"""The stage's fitting maths, without Qt: the type ladder, columns, heights, the size search."""

from __future__ import annotations

from peerscenarios.ui.present.stage.fit import (
    MIN_PX,
    MIN_SHRINK,
    best_layout,
    column_options,
    column_width,
    gap_for,
    grid_height,
    largest_fitting,
    stack_height,
    type_ladder,
)


def test_the_fit_module_imports_no_qt() -> None:
    import peerscenarios.ui.present.stage.fit as fit

    with open(fit.__file__, encoding="utf-8") as fh:
        assert "PySide6" not in fh.read()


def test_ladder_is_strictly_falling_and_stops_at_the_shrink_floor() -> None:
    sizes = type_ladder(44, 1.25)
    assert sizes[0] == 55
    assert sizes == sorted(sizes, reverse=True)
    assert len(set(sizes)) == len(sizes)
    assert sizes[-1] == round(44 * MIN_SHRINK)
    assert type_ladder(44)[0] == 44  # no growth unless the page allows it
    assert all(px >= MIN_PX for px in type_ladder(5, 1.25))


def test_second_column_needs_three_cards() -> None:
    assert column_options(2, 2) == [1]
    assert column_options(3, 2) == [1, 2]
    assert column_options(6, 1) == [1]


def test_heights_of_stacks_and_grids() -> None:
    assert gap_for(4) == 3
    assert gap_for(44) == 22
    assert stack_height([10, 0, 20], 5) == 35  # an empty block takes no room and no gap
    assert stack_height([], 5) == 0
    assert grid_height([10, 30, 20], 2, 4) == 30 + 4 + 20
    assert column_width(100, 10, 2) == 45


def test_largest_fitting_is_the_biggest_size_within_the_limit() -> None:
    sizes = [50, 40, 30, 20, 10]
    calls: list[int] = []

    def height(px: int) -> int:
        calls.append(px)
        return px * 10

    assert largest_fitting(sizes, height, 300) == 30
    assert len(calls) <= 4  # a binary search, not a walk down the whole ladder
    assert largest_fitting(sizes, height, 1000) == 50
    assert largest_fitting(sizes, height, 5) == 10  # nothing fits: the smallest, clipped


def test_best_layout_prefers_the_larger_type_and_then_fewer_columns() -> None:
    def height(px: int, cols: int) -> int:
        return px * 12 // cols

    assert best_layout([50, 40, 30], [1, 2], height, 400) == (50, 2)
    assert best_layout([50, 40, 30], [1, 2], height, 600) == (50, 1)
