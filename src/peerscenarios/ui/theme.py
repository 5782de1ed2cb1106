"""Themes and text size: a stylesheet filled from the settings; light, dark, high contrast."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from peerscenarios import paths
from peerscenarios.core.taxonomy import Role
from peerscenarios.ui.settings import THEME_HIGH_CONTRAST

# Point sizes for each text-size step; index DEFAULT_INDEX is step 0.
_SIZES = (9, 10, 11, 12, 14, 16, 18, 20, 24)
DEFAULT_INDEX = 2


def assets_dir() -> Path:
    """The folder with themes and icons (see ``paths.assets_dir``)."""
    return paths.assets_dir()


@dataclass(frozen=True, slots=True)
class Colours:
    """One theme's colours. ``focus`` must stand out against ``base`` and ``window``."""

    name: str
    window: str
    base: str
    nav: str
    button: str
    text: str
    muted: str
    border: str
    accent: str
    accentText: str  # noqa: N815 - matches the stylesheet's $accentText
    selection: str
    selectionText: str  # noqa: N815 - matches the stylesheet's $selectionText
    focus: str
    warning: str
    peer: str
    drift: str
    # Hint text in an empty field: set apart from typed text (which is ``text``), and still
    # 4.5:1 against ``base`` so it can be read.
    placeholder: str
    dark: bool


LIGHT = Colours("light", window="#f4f3ef", base="#ffffff", nav="#e9e7e1", button="#f9f8f5",
                text="#1b1b1b", muted="#585858", border="#8a8a8a", accent="#1d5ea8",
                accentText="#ffffff", selection="#c9ddf5", selectionText="#0d0d0d",
                focus="#0b57d0", warning="#a15c00", peer="#1f7a3a", drift="#b23c17",
                placeholder="#585858", dark=False)
DARK = Colours("dark", window="#1d1f23", base="#26292e", nav="#2c3036", button="#30343a",
               text="#ededed", muted="#b3b3b3", border="#7b8089", accent="#8ab4f8",
               accentText="#0d1b2a", selection="#3c5a85", selectionText="#ffffff",
               focus="#ffd166", warning="#f0a040", peer="#7fd69a", drift="#ff9a76",
               placeholder="#b3b3b3", dark=True)
HIGH_CONTRAST = Colours("high-contrast", window="#000000", base="#000000", nav="#000000",
                        button="#000000", text="#ffffff", muted="#ffffff", border="#ffffff",
                        accent="#ffff00", accentText="#000000", selection="#ffff00",
                        selectionText="#000000", focus="#00ffff", warning="#ffff00",
                        peer="#ffffff", drift="#ffffff", placeholder="#b3b3b3", dark=True)


def point_size(step: int) -> int:
    """The base point size for a text-size step (clamped to the available sizes)."""
    index = max(0, min(len(_SIZES) - 1, DEFAULT_INDEX + step))
    return _SIZES[index]


def system_is_dark() -> bool:
    """True when the desktop asks for a dark colour scheme."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def colours_for(theme: str, dark: bool) -> Colours:
    """The colours for a theme setting: high contrast wins, else follow the desktop."""
    if theme == THEME_HIGH_CONTRAST:
        return HIGH_CONTRAST
    return DARK if dark else LIGHT


def role_colour(colours: Colours, role: Role) -> str:
    """A border colour for a role; always shown together with the role's symbol and words."""
    return colours.peer if role is Role.PEER else colours.drift


def stylesheet(colours: Colours, step: int) -> str:
    """The app stylesheet for these colours and this text size."""
    base = point_size(step)
    # $name placeholders rather than str.format(): a style sheet is full of braces.
    template = Template((assets_dir() / "themes" / "app.qss").read_text(encoding="utf-8"))
    values = {k: getattr(colours, k) for k in Colours.__dataclass_fields__ if k != "dark"}
    # Sizes are $size, $h1..; $base is the colour of text fields (they once shared a name,
    # and every "background: $base" came out as a point size Qt ignored).
    values.update(size=base, h1=round(base * 1.6), h2=round(base * 1.3), h3=round(base * 1.1),
                  choice=round(base * 1.1))
    return template.substitute(values)


def palette(colours: Colours) -> QPalette:
    """A QPalette matching the stylesheet, for the parts QSS does not reach (menus, tooltips)."""
    p = QPalette()
    role = QPalette.ColorRole
    pairs = {
        role.Window: colours.window, role.WindowText: colours.text, role.Base: colours.base,
        role.AlternateBase: colours.nav, role.Text: colours.text, role.Button: colours.button,
        role.ButtonText: colours.text, role.Highlight: colours.selection,
        role.HighlightedText: colours.selectionText, role.ToolTipBase: colours.base,
        role.ToolTipText: colours.text, role.PlaceholderText: colours.placeholder,
        role.Link: colours.accent, role.BrightText: colours.warning,
    }
    for r, c in pairs.items():
        p.setColor(r, QColor(c))
    p.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor(colours.muted))
    p.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor(colours.muted))
    p.setColor(QPalette.ColorGroup.Disabled, role.WindowText, QColor(colours.muted))
    return p


def apply(app: QApplication, theme: str, step: int) -> Colours:
    """Apply theme and text size to the whole application; returns the colours used."""
    colours = colours_for(theme, system_is_dark())
    font = QFont(app.font())
    font.setPointSize(point_size(step))
    app.setFont(font)
    app.setPalette(palette(colours))
    app.setStyleSheet(stylesheet(colours, step))
    return colours
