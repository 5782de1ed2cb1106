"""The join link as a QR code, as an SVG document any SVG renderer (QtSvg included) can draw."""

from __future__ import annotations

import io


def qr_svg(text: str) -> str:
    """An SVG QR code for ``text``: black modules on white with the standard quiet zone.

    Error correction level M (15 %) keeps a projected code readable through
    glare and a phone held at an angle, at a size a room can still scan.
    """
    import segno  # imported on first use: the app's start-up never needs it

    code = segno.make(text, error="m", micro=False, boost_error=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=1, border=4, dark="#000000", light="#ffffff",
              xmldecl=False, svgns=True, nl=False)
    return out.getvalue().decode("utf-8")
