"""Search hits: matched words drawn bold and underlined; reflection text always escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from peerscenarios.storage import ReflectionHit
from peerscenarios.ui.widgets.match_delegate import snippet_html


def test_snippet_html_marks_matches_and_escapes_text() -> None:
    hit = ReflectionHit(
        reflection_id=1, attempt_id=2, scenario_id="s", prompt_id="p",
        snippet="I wrote <b>not bold</b> about my medicine",
        snippet_parts=(("I wrote <b>not bold</b> about my ", False), ("medicine", True)),
        updated_at=datetime(2026, 3, 2, tzinfo=UTC),
    )
    out = snippet_html(hit)
    assert out == ("I wrote &lt;b&gt;not bold&lt;/b&gt; about my "
                   "<b><u>medicine</u></b>")
