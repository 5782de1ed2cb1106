"""The Markdown subset scenario text may use, rendered to inert HTML.

Paragraphs, ``**bold**``, ``*italic*`` and ``- `` lists. Everything else,
including HTML, links and images, is escaped and shown as typed, so rendered
text can never make the app load a remote or local resource.
"""

from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\*\w])\*(?=\S)(.+?)(?<=\S)\*(?![\*\w])")


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=True)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    return _ITALIC.sub(r"<i>\1</i>", escaped)


def to_html(text: str) -> str:
    """Render the Markdown subset to HTML that contains only p, b, i, ul and li.

    Blank lines separate paragraphs; single line breaks inside a paragraph are
    soft wraps and become spaces.
    """
    blocks = re.split(r"\n\s*\n", text.strip())
    out = []
    for block in blocks:
        lines = [ln.rstrip() for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        if all(ln.lstrip().startswith("- ") for ln in lines):
            items = "".join(f"<li>{_inline(ln.lstrip()[2:].strip())}</li>" for ln in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            # Authors wrap long text in their editor; a single line break is a soft
            # wrap, so the paragraph reflows to the reader's window and text size.
            out.append("<p>" + _inline(" ".join(ln.strip() for ln in lines)) + "</p>")
    return "".join(out)


def to_plain(text: str) -> str:
    """The same text with the markers removed, for plain-text and CSV output."""
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text)).strip()
