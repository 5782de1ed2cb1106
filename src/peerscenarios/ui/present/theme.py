"""Projector colours and type sizes: high contrast by default, sizes scaled to the screen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtGui import QColor


class Theme(StrEnum):
    """The audience view's colours: light text on black (default) or dark text on white."""

    HIGH_CONTRAST = "high-contrast"
    LIGHT = "light"

    @property
    def label(self) -> str:
        """Plain name for the presenter's menu."""
        return {Theme.HIGH_CONTRAST: "High contrast (light on black)",
                Theme.LIGHT: "Light (dark on white, for bright rooms)"}[self]


@dataclass(frozen=True, slots=True)
class Colours:
    """The colours of one theme; peer and drift roles also carry a symbol and words."""

    background: QColor
    text: QColor
    muted: QColor
    accent: QColor
    on_accent: QColor
    card: QColor
    card_edge: QColor
    chosen_edge: QColor
    peer: QColor
    drift: QColor
    bar: QColor
    bar_chosen: QColor
    warning: QColor


_COLOURS = {
    # Contrast ratios against the background are all above 7:1 (WCAG AAA for body text).
    Theme.HIGH_CONTRAST: Colours(
        background=QColor("#000000"), text=QColor("#ffffff"), muted=QColor("#c8c8c8"),
        accent=QColor("#ffd60a"), on_accent=QColor("#000000"), card=QColor("#161616"),
        card_edge=QColor("#5a5a5a"), chosen_edge=QColor("#ffd60a"), peer=QColor("#7ee787"),
        drift=QColor("#ffb84d"), bar=QColor("#9a9a9a"), bar_chosen=QColor("#ffd60a"),
        warning=QColor("#ff8080"),
    ),
    Theme.LIGHT: Colours(
        background=QColor("#ffffff"), text=QColor("#000000"), muted=QColor("#333333"),
        accent=QColor("#0b3d91"), on_accent=QColor("#ffffff"), card=QColor("#f0f0f0"),
        card_edge=QColor("#8a8a8a"), chosen_edge=QColor("#0b3d91"), peer=QColor("#0a5c1a"),
        drift=QColor("#8a3b00"), bar=QColor("#6a6a6a"), bar_chosen=QColor("#0b3d91"),
        warning=QColor("#a00000"),
    ),
}


def colours(theme: Theme) -> Colours:
    """The colours of ``theme``."""
    return _COLOURS[theme]


# Body text is this many pixels tall on a 1920x1080 screen and scales with the screen:
# readable from the back of a classroom (about 1/25 of the screen height).
BODY_PX_AT_1080 = 44
# (Long steps shrink to fit, down to stage.fit.MIN_SHRINK of this size.)


def base_body_px(width: int, height: int) -> int:
    """Full-size body text for a stage of this size (44 px at 1920x1080, 88 px at 4K)."""
    scale = min(width / 1920, height / 1080)
    return max(7, round(BODY_PX_AT_1080 * scale))
