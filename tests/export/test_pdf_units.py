"""Cutting the writers' HTML into the pieces the PDF places: sections, and table rows."""

from __future__ import annotations

from peerscenarios.export.pdf_units import Unit, continuation, sections, units

TABLE = ("<table class='grid' width='100%'><thead><tr><th width='5%'>#</th>"
         "<th width='95%'>Response</th></tr></thead>"
         "<tr><td align='right'>1</td><td>first</td></tr>"
         "<tr><td align='right'>2</td><td>second</td></tr>"
         "<tr><td align='right'>3</td><td>third</td></tr></table>")


def test_sections_start_at_headings_and_keep_heading_runs_together() -> None:
    body = ("<html><head><style>p {}</style></head><body><h1>Title</h1><p>intro</p>"
            "<h2>Attempts</h2><h3>Attempt 1</h3><p>a</p><h3>Attempt 2</h3><p>b</p></body></html>")
    assert sections(body) == ["<h1>Title</h1><p>intro</p>",
                              "<h2>Attempts</h2><h3>Attempt 1</h3><p>a</p>",
                              "<h3>Attempt 2</h3><p>b</p>"]


def test_text_escaped_from_the_user_never_starts_a_section() -> None:
    body = "<body><h3>Attempt</h3><p>&lt;h2 class='x'&gt; typed by a trainee</p></body>"
    assert sections(body) == ["<h3>Attempt</h3><p>&lt;h2 class='x'&gt; typed by a trainee</p>"]


def test_rows_after_the_first_become_pieces_with_the_header_and_widths() -> None:
    header = ("<table class='grid' width='100%'><thead><tr><th width='5%'>#</th>"
              "<th width='95%'>Response</th></tr></thead></table>")
    pieces = units(f"<h3>Attempt 1</h3><p>meta</p>{TABLE}<p>Roles: 3</p>")
    assert pieces[0] == Unit(
        "<h3>Attempt 1</h3><p>meta</p><table class='grid' width='100%'><thead><tr>"
        "<th width='5%'>#</th><th width='95%'>Response</th></tr></thead>"
        "<tr><td align='right'>1</td><td>first</td></tr></table>")
    assert pieces[1] == Unit("<table class='rows' width='100%'><tr><td width='5%' align='right'>"
                             "2</td><td width='95%'>second</td></tr></table>", header=header)
    # The text after the table stays with its last row.
    assert pieces[2] == Unit("<table class='rows lastrow' width='100%'><tr>"
                             "<td width='5%' align='right'>3</td><td width='95%'>third</td></tr>"
                             "</table><p>Roles: 3</p>",
                             header=header)
    assert len(pieces) == 3


def test_a_one_row_table_and_other_tables_stay_in_their_section() -> None:
    one_row = ("<table class='grid' width='100%'><thead><tr><th width='100%'>A</th></tr></thead>"
               "<tr><td>only</td></tr></table>")
    quote = "<table class='quote' width='100%'><tr><td>a reflection</td></tr></table>"
    section = f"<h4>Reflections</h4>{one_row}<p>prompt</p>{quote}"
    assert units(section) == [Unit(section)]


def test_each_prompt_goes_with_its_answer_and_the_heading_with_the_first() -> None:
    quote = "<table class='quote' width='100%'><tr><td>{}</td></tr></table>"
    section = ("<h4>Reflections</h4>"
               f"<p class='prompt'>First?</p>{quote.format('one')}"
               f"<p class='prompt'>Second?</p>{quote.format('two')}")
    assert units(section) == [
        Unit(f"<h4>Reflections</h4><p class='prompt'>First?</p>{quote.format('one')}"),
        Unit(f"<p class='prompt'>Second?</p>{quote.format('two')}", space_before=8.0),
    ]


def test_rows_seen_to_fit_stay_in_the_opening_but_never_the_last() -> None:
    pieces = units(f"<h3>Attempt 1</h3>{TABLE}<p>Roles: 3</p>", lead_rows=5)
    assert [p.header is None for p in pieces] == [True, False]
    assert "first" in pieces[0].html
    assert "second" in pieces[0].html
    assert "third" not in pieces[0].html
    assert pieces[1].html.endswith("third</td></tr></table><p>Roles: 3</p>")


def test_a_continuation_repeats_the_header_and_keeps_what_follows() -> None:
    section = f"<h3>Attempt 1</h3>{TABLE}<p>Roles: 3</p>"
    rest = continuation(section, 1)
    assert rest is not None
    assert rest.startswith("<table class='grid' width='100%'><thead>")
    assert "first" not in rest
    assert rest.endswith("<tr><td align='right'>3</td><td>third</td></tr></table><p>Roles: 3</p>")
    # Keeping no row, or every row (the last carries the text after it), is no cut.
    assert continuation(section, 0) is None
    assert continuation(section, 3) is None
    assert continuation("<h4>Reflections</h4><p>no table</p>", 1) is None
