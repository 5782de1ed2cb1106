"""YAML syntax errors in plain language, at the line the author has to change.

The cases are the ones a course designer made when writing scenarios from the
documentation alone (tab, colon in text, indentation, quotes), plus the
invisible characters that move line numbers.
"""

from __future__ import annotations

import pytest

from peerscenarios.core.validator import validate_bytes
from scenario_samples import VALID


def line_of(text: str, snippet: str) -> int:
    """1-based line as an editor counts (str.splitlines would also break at U+2028)."""
    return next(i for i, ln in enumerate(text.split("\n"), 1) if snippet in ln)


def syntax_error(text: str):
    r = validate_bytes(text.encode("utf-8"), "f.yaml")
    assert r.scenario is None
    (d,) = r.diagnostics
    return d


def test_tab_indentation_says_tab() -> None:
    text = VALID.replace("        role: directive-drift", "\trole: directive-drift")
    d = syntax_error(text)
    assert d.code == "PS001"
    assert (d.line, d.col) == (line_of(text, "\trole:"), 1)
    assert d.message.startswith(f"line {d.line} starts with a tab: YAML needs spaces for "
                                "indentation. Replace the tab with spaces")


def test_colon_inside_unquoted_text_says_put_it_in_quotes() -> None:
    text = VALID.replace('text: "Dana puts the letter away."', "text: Here's the plan: I'll call")
    d = syntax_error(text)
    n = line_of(text, "Here's the plan")
    assert (d.line, d.col) == (n, 26)
    assert d.message == (f"a colon inside unquoted text on line {n}: YAML reads ': ' as the "
                         "start of another 'key: value'. Put the whole text in double quotes: "
                         "text: \"Here's the plan: I'll call\"")


def test_curly_quotes_are_named() -> None:
    text = VALID.replace('text: "Dana puts the letter away."', "text: “Here's the plan: I'll call”")
    d = syntax_error(text)
    assert d.message.endswith("text: \"Here's the plan: I'll call\" Curly quotes (“ ”) are "
                              "ordinary characters to YAML: use straight ones.")


def test_key_pulled_back_points_at_that_key_not_the_line_after() -> None:
    # A choice's 'next:' pulled back to the node's indentation: libyaml notices
    # only on the next line; the line to fix is the 'next:' line.
    text = VALID.replace("        next: calls\n      - id: do-it", "    next: calls\n      - id: do-it")
    d = syntax_error(text)
    n = line_of(text, "    next: calls")
    assert (d.line, d.col) == (n, 5)
    assert d.message == (f"line {n} starts in column 5, left of the lines around it, so it "
                         f"cuts off the list above it that line {n + 1} goes on with. If "
                         f"'next:' belongs with 'feedback:' on line {n - 2}, start it in "
                         "column 9")


def test_key_pushed_in_one_space() -> None:
    text = VALID.replace("        role: directive-drift", "         role: directive-drift")
    d = syntax_error(text)
    n = line_of(text, "role: directive-drift")
    assert (d.line, d.col) == (n, 10)
    assert d.message == (f"'role:' on line {n} starts in column 10, but the keys it belongs "
                         f"with start in column 9 (like 'text:' on line {n - 1}): keys that "
                         "belong together start in the same column")


def test_key_pulled_back_one_space() -> None:
    text = VALID.replace("        role: directive-drift", "       role: directive-drift")
    d = syntax_error(text)
    assert d.line == line_of(text, "role: directive-drift")
    assert "starts in column 8, but the keys it belongs with start in column 9" in d.message


@pytest.mark.parametrize("indent", [5, 7])
def test_list_item_out_of_line(indent: int) -> None:
    text = VALID.replace("      - id: do-it", " " * indent + "- id: do-it")
    d = syntax_error(text)
    assert d.line == line_of(text, "- id: do-it")
    assert d.message == (f"the list item on line {d.line} starts in column {indent + 1}, but "
                         f"the items of its list start in column 7 (like line "
                         f"{line_of(text, '- id: plan')}): line up the '-' with them")


def test_unclosed_quote_points_at_where_it_opens() -> None:
    text = VALID.replace('text: "Dana puts the letter away."', 'text: "Dana puts the letter away.')
    d = syntax_error(text)
    n = line_of(text, "Dana puts the letter")
    assert (d.line, d.col) == (n, 11)
    assert d.message.startswith(f'the text that starts with " on line {n} has no closing "')


def test_unclosed_flow_list() -> None:
    text = VALID.replace("competencies: [1, 6]", "competencies: [1, 6")
    d = syntax_error(text)
    assert (d.line, d.col) == (line_of(text, "competencies: [1, 6"), 15)
    assert d.message == (f"the list that starts with '[' on line {d.line} is not closed: add "
                         "']' at its end")


def test_text_starting_with_at_sign() -> None:
    text = VALID.replace('text: "Dana puts the letter away."', "text: @Dana puts it away")
    d = syntax_error(text)
    assert d.message == (f"line {d.line}: YAML does not allow text to start with '@'; put the "
                         'whole text in double quotes: write text: "@Dana puts it away"')


def test_second_document() -> None:
    text = VALID + "---\nid: other\n"
    d = syntax_error(text)
    assert d.line == line_of(text, "---")
    assert "a scenario file holds exactly one scenario" in d.message


def test_missing_colon_after_a_key() -> None:
    text = VALID.replace('    text: "Dana puts the letter away."', '    text "Dana puts the letter away."')
    d = syntax_error(text)
    assert (d.line, d.col) == (line_of(text, 'text "Dana'), 5)
    assert d.message.startswith(f"line {d.line} is not 'key: value': a colon is missing after "
                                "'text' (write 'text: ...')")


def test_text_that_goes_on_at_the_wrong_indentation() -> None:
    text = VALID.replace('    text: "Dana puts the letter away."', "    text: Dana puts the\n  letter away.")
    d = syntax_error(text)
    assert d.line == line_of(text, "  letter away.")
    assert d.message.startswith(f"line {d.line} looks like more of the text on line {d.line - 1}")


def test_unrecognised_syntax_error_still_plain_and_located() -> None:
    d = syntax_error("a: b: c\n")
    assert (d.line, d.col) == (1, 5)
    assert "YAML" in d.message
    assert "line 1" in d.message


# -- invisible characters ----------------------------------------------------------


def test_line_separator_does_not_shift_later_line_numbers() -> None:
    # U+2028 inside quoted text: libyaml counts it as a line break, an editor does not.
    text = VALID.replace('"Can you call my landlord for me?"', '"Can you call\u2028my landlord?"')
    text = text.replace("summary:", "sumary:").replace("        role: directive-drift", "        rol: directive-drift")
    r = validate_bytes(text.encode(), "f.yaml")
    unknown = [d for d in r.diagnostics if d.code == "PS002"]
    assert [d.line for d in unknown] == [line_of(text, "sumary:"), line_of(text, "rol: directive")]


def test_next_line_control_character_is_refused_where_it_is() -> None:
    # U+0085 is usually a mis-decoded '…'; libyaml would read it as a line break
    # and report a baffling syntax error two lines further down.
    text = VALID.replace('text: "Dana puts the letter away."', "text: Dana waits\u0085 then puts it away")
    r = validate_bytes(text.encode(), "f.yaml")
    (d,) = r.diagnostics
    assert d.code == "PS020"
    assert (d.line, d.col) == (line_of(text, "Dana waits"), 21)
    assert d.message.startswith(f"line {d.line} contains an invisible control character (U+0085)")
