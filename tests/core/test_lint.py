"""Content lint: stigma, thin feedback, same-kind drift, minutes, content warnings."""

from __future__ import annotations

from peerscenarios.core.diagnostics import Severity
from peerscenarios.core.lint import estimate_minutes, lint
from peerscenarios.core.validator import validate_bytes
from scenario_samples import VALID


def run(text: str):
    r = validate_bytes(text.encode(), "lint.yaml")
    assert r.scenario is not None, [d.format() for d in r.diagnostics]
    return lint(r)


def codes(diags):
    return [d.code for d in diags]


def test_sample_is_clean() -> None:
    assert run(VALID) == []


def test_stigmatising_term_in_narrative_is_flagged_with_line() -> None:
    text = VALID.replace('text: "Dana puts the letter away."',
                         'text: "Dana says the other addicts at the shelter laughed."')
    (d,) = run(text)
    assert d.code == "PS101"
    assert d.severity is Severity.WARNING
    assert d.message.startswith("'addicts' is stigmatising language; prefer 'person who uses drugs'")
    assert d.line == text.splitlines().index('    text: "Dana says the other addicts at the shelter laughed."') + 1


def test_allow_marker_accepts_quoted_speech() -> None:
    text = VALID.replace('        text: "Can you call my landlord for me?"',
                         '        text: "He called me a junkie. Can you call him for me?"\n'
                         '        allow_terms: [junkie]')
    assert run(text) == []
    flagged = VALID.replace('        text: "Can you call my landlord for me?"',
                            '        text: "He called me a junkie. Can you call him for me?"')
    assert codes(run(flagged)) == ["PS101"]


def test_clean_and_dirty_only_when_about_use() -> None:
    ok = VALID.replace('text: "Dana puts the letter away."', 'text: "Dana wipes a clean table."')
    assert run(ok) == []
    bad = VALID.replace('text: "Dana puts the letter away."',
                        'text: "Dana has been clean for a month but had a dirty test."')
    assert codes(run(bad)) == ["PS101", "PS101"]


def test_feedback_that_only_says_wrong() -> None:
    text = VALID.replace('why: "Making the call for her is the case manager\'s move and leaves her no stronger."',
                         'why: "Wrong."')
    (d,) = run(text)
    assert d.code == "PS102"
    assert "too thin to teach" in d.message


def test_drift_feedback_that_names_no_role() -> None:
    text = VALID.replace(
        'why: "Telling her what she must do, with a threat attached, is directive pressure."',
        'why: "This one does not land well with Dana at all and she goes quiet afterwards."')
    text = text.replace('better: "Ask what she wants to happen and what would help her make the call."',
                        'better: "Ask what she wants to happen next."')
    (d,) = run(text)
    assert d.code == "PS102"
    assert "never names the role it drifts into (directive or coercive drift)" in d.message


def test_all_drift_choices_same_kind() -> None:
    text = VALID.replace("role: directive-drift", "role: case-management-drift")
    text = text.replace('is directive pressure."', 'is the case manager taking over."')
    (d,) = run(text)
    assert d.code == "PS103"
    assert "every drift choice in decision 'start' is case-management drift" in d.message


def test_minutes_that_disagree_with_text() -> None:
    text = VALID.replace("minutes: 6", "minutes: 30")
    (d,) = run(text)
    assert d.code == "PS104"
    assert d.message.startswith("minutes says 30, but the text reads as about")


def test_estimate_grows_with_text() -> None:
    short = validate_bytes(VALID.encode(), "a").scenario
    longer = validate_bytes(VALID.replace("Dana makes the call.", "Dana makes the call. " + "word " * 500).encode(), "b").scenario
    assert short is not None
    assert longer is not None
    # 500 more words on one of three routes: about a minute more on average.
    assert estimate_minutes(longer) > estimate_minutes(short) + 0.8


def test_a_written_reflection_counts_two_to_three_minutes() -> None:
    # Every route ends at 'end'; one more prompt there is one more on every route.
    base = validate_bytes(VALID.encode(), "a").scenario
    more = validate_bytes(VALID.replace(
        '        prompt: "What would you say next time?"',
        '        prompt: "What would you say next time?"\n'
        '      - id: r-end-2\n'
        '        prompt: "What did Dana teach you?"').encode(), "b").scenario
    assert base is not None
    assert more is not None
    added = estimate_minutes(more) - estimate_minutes(base)
    assert 2.0 <= added <= 3.0


def test_sample_estimate_counts_reading_deciding_and_writing() -> None:
    sc = validate_bytes(VALID.encode(), "a").scenario
    assert sc is not None
    # About 100 words to read, one decision and two written reflections: the
    # reflections are most of the time, as they are for a trainee.
    assert 5.5 <= estimate_minutes(sc) <= 6.5


def test_missing_content_warning_for_suicide_mention() -> None:
    text = VALID.replace('text: "Dana puts the letter away."',
                         'text: "Dana says she has had thoughts of suicide this week."')
    (d,) = run(text)
    assert d.code == "PS105"
    assert "mentions suicide" in d.message
    assert d.node_id == "waits"
    declared = text.replace("content_warnings: []", "content_warnings: [suicide]")
    assert run(declared) == []


def test_node_level_content_warning_counts() -> None:
    text = VALID.replace('    text: "Dana puts the letter away."',
                         '    content_warnings: [overdose]\n    text: "Her brother overdosed last year."')
    assert run(text) == []


def test_lint_of_failed_validation_is_empty() -> None:
    r = validate_bytes(b"id: x", "x.yaml")
    assert lint(r) == []


def _chain(n: int) -> bytes:
    """A valid scenario: one decision, then a chain of n narrative nodes to the ending."""
    out = [*VALID[: VALID.index("nodes:")].splitlines(), "nodes:", "  - id: d",
           '    text: "Start."', "    choices:"]
    for cid, role, why, better in (
            ("a", "peer-aligned", "You stay alongside and let the person lead the way here.", ""),
            ("b", "directive-drift", "Telling them what they must do is directive pressure.",
             "Ask what they want.")):
        out += [f"      - id: {cid}", f'        text: "Choice {cid}."', f"        role: {role}",
                "        feedback:", f'          why: "{why}"']
        out += [f'          better: "{better}"'] if better else []
        out += ["        next: n0"]
    for i in range(n):
        out += [f"  - id: n{i}", f'    text: "Step {i}."', f"    next: n{i + 1}"]
    out += [f"  - id: n{n}", '    text: "The end."', "    ending:", '      title: "End"',
            '      debrief: "Done."']
    return ("\n".join(out) + "\n").encode()


def _lint_steps(data: bytes) -> int:
    """How many Python lines the lint executes: a measure of work that no machine load moves."""
    import sys

    result = validate_bytes(data, "chain.yaml")
    assert result.scenario is not None
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        lint(result)
    finally:
        sys.settrace(previous)
    return count


def test_lint_work_grows_linearly_with_the_number_of_nodes() -> None:
    # Quadratic before: doubling the nodes multiplied the work by about 3.5.
    small, large = _lint_steps(_chain(300)), _lint_steps(_chain(600))
    assert large / small < 2.3


def _decision(node_id: str, peer: str, drifts: tuple[str, str], next_id: str) -> str:
    lines = [f"  - id: {node_id}", f'    text: "Step {node_id}."', "    choices:",
             "      - id: peer", f'        text: "{peer}"', "        role: peer-aligned",
             "        feedback:",
             '          why: "You stay alongside and leave the choice with the person."',
             f"        next: {next_id}"]
    for i, (text, role) in enumerate(zip(drifts, ("case-management-drift", "directive-drift"),
                                         strict=True)):
        lines += [f"      - id: d{i}", f'        text: "{text}"', f"        role: {role}",
                  "        feedback:",
                  '          why: "Doing it for them is the case manager taking over, under pressure."',
                  '          better: "Offer to go alongside while they do it."',
                  f"        next: {next_id}"]
    return "\n".join(lines) + "\n"


def _tell_file(decisions: list[tuple[str, tuple[str, str]]]) -> str:
    head = VALID[: VALID.index("nodes:")] + "nodes:\n"
    body = ""
    for i, (peer, drifts) in enumerate(decisions):
        body += _decision(f"n{i}", peer, drifts, f"n{i + 1}" if i + 1 < len(decisions) else "end")
    return head + body + ('  - id: end\n    text: "Later."\n    ending:\n      title: "Later"\n'
                          '      debrief: "Going alongside leaves a skill behind."\n')


SHORT = ("I'll call them for you right now.", "Just do it today, no excuses at all.")


def test_peer_aligned_longest_in_most_decisions_is_a_tell() -> None:
    long_peer = "That sounds hard; what would make the call feel possible for you today"
    text = _tell_file([(long_peer + ".", SHORT), (long_peer + ".", SHORT),
                       ("Okay.", SHORT)])
    (d,) = [d for d in run(text) if d.code == "PS106"]
    assert d.severity is Severity.WARNING
    assert d.message == ("in 2 of 3 decisions the peer-aligned response is the longest (n0, "
                         "n1); trainees learn to pick the longest answer: shorten it, or give "
                         "a tempting drift response as many words")
    assert d.node_id == "n0"
    assert d.line == text.splitlines().index("  - id: n0") + 2  # at the node's first text


def test_peer_aligned_only_question_in_most_decisions_is_a_tell() -> None:
    text = _tell_file([("Want to?", SHORT), ("Shall we?", SHORT), ("Okay.", SHORT)])
    messages = [d.message for d in run(text) if d.code == "PS106"]
    assert messages == ["in 2 of 3 decisions the peer-aligned response is the only one that "
                        "asks a question (n0, n1); trainees learn to pick the question: let a "
                        "drift response ask one too, or let the peer-aligned one say what it "
                        "offers"]


def test_half_of_the_decisions_is_not_yet_a_tell() -> None:
    long_peer = "That sounds hard; what would make the call feel possible for you today."
    text = _tell_file([(long_peer, SHORT), ("Okay.", SHORT)])
    assert [d for d in run(text) if d.code == "PS106"] == []


def test_library_tell_figures() -> None:
    from peerscenarios.core.tells import library_tells, tells_text

    long_peer = "That sounds hard; what would make the call feel possible for you today?"
    a = validate_bytes(_tell_file([(long_peer, SHORT), ("Okay.", SHORT)]).encode(), "a").scenario
    b = validate_bytes(VALID.encode(), "b").scenario
    assert a is not None
    assert b is not None
    tells = library_tells([a, b])
    assert (tells.decisions, tells.longest, tells.question) == (3, ("n0",), ("n0",))
    assert tells_text(tells).splitlines() == [
        "Answer tells (the peer-aligned response stands out)",
        "  it is the longest response: 1 of 3 decisions (33%; target at most 40%)",
        "  it is the only one asking a question: 1 of 3 decisions (33%; target at most 40%)",
    ]
