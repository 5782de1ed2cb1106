"""The look of the PDFs, without Qt: sizes, colours and the one style sheet.

The HTML the writers build names classes of this style sheet and holds no
lengths of its own: the PDF renderer supplies lengths measured for its
device, and a preview on screen gets :data:`SCREEN_STYLE` inside the HTML.
"""

from __future__ import annotations

from collections.abc import Callable

FONT_FAMILIES = ["Noto Sans", "DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial",
                 "Liberation Sans"]
BODY_PT = 10.5
SMALL_PT = 9.0  # meta lines and notes; table text stays at body size
MARGIN_PT = 8.5  # running title and footer
TEXT_COLOR = "#111111"
MUTED_COLOR = "#444444"  # 9.7:1 on white: quiet, still easy to read and to photocopy
RULE_COLOR = "#777777"
TABLE_MARGIN_PT = 5.0  # above and below a table
PROMPT_SPACE_PT = 8.0  # above a reflection's prompt


def style_sheet(px: Callable[[float], float]) -> str:
    """The CSS every PDF shares; ``px(points)`` gives the CSS pixels for a length in points.

    QTextDocument understands a subset of CSS: no em units, and every length in
    pixels, which is why lengths go through ``px`` (CSS pixels depend on the
    device the text is laid out for).
    """
    return f"""
h1 {{ font-size: 18pt; font-weight: bold; margin-top: 0px; margin-bottom: {px(3)}px; }}
h2 {{ font-size: 14pt; font-weight: bold; margin-top: {px(18)}px; margin-bottom: {px(6)}px; }}
h3 {{ font-size: 12.5pt; font-weight: bold; margin-top: {px(16)}px;
      margin-bottom: {px(3)}px; }}
h4 {{ font-size: {BODY_PT}pt; font-weight: bold; margin-top: {px(10)}px;
      margin-bottom: {px(3)}px; }}
p {{ margin-top: {px(3)}px; margin-bottom: {px(3)}px; }}
.meta {{ color: {MUTED_COLOR}; font-size: {SMALL_PT}pt; }}
.note {{ color: {MUTED_COLOR}; font-size: {SMALL_PT}pt; font-style: italic; }}
.back {{ color: {MUTED_COLOR}; font-style: italic; }}
.prompt {{ font-weight: bold; margin-top: {px(PROMPT_SPACE_PT)}px; }}
table.grid, table.rows {{ border-collapse: collapse; }}
table.grid {{ margin-top: {px(TABLE_MARGIN_PT)}px;
      margin-bottom: {px(TABLE_MARGIN_PT)}px; }}
table.grid td, table.grid th, table.rows td {{ border-width: {px(0.6)}px; border-style: solid;
      border-color: #8a8a8a; padding: {px(3)}px; }}
table.grid th {{ background-color: #e4e4e4; text-align: left; }}
table.grid th.num {{ text-align: right; }}
table.rows td {{ border-top-style: none; }}
table.lastrow {{ margin-bottom: {px(TABLE_MARGIN_PT)}px; }}
table.pairs {{ margin-top: {px(2)}px; margin-bottom: {px(2)}px; }}
table.pairs td {{ padding-top: {px(1.5)}px; padding-bottom: {px(1.5)}px;
      padding-right: {px(12)}px; }}
table.quote {{ margin-top: {px(2)}px; margin-bottom: {px(6)}px; }}
table.quote td {{ background-color: #f2f2f2; padding: {px(6)}px;
      border-left-width: {px(2.5)}px; border-left-style: solid; border-left-color: #9a9a9a; }}
td.bar {{ color: #333333; }}
"""



# On screen a CSS pixel is 1/96 inch: for a preview of the same HTML in a text view.
SCREEN_STYLE = style_sheet(lambda points: round(points * 96 / 72, 2))


def html_document(body: str) -> str:
    """``body`` as a whole HTML document that carries the screen style in its head.

    The PDF renderer reads only the body and applies its own measured style.
    """
    return f"<html><head><style>{SCREEN_STYLE}</style></head><body>{body}</body></html>"
