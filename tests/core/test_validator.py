"""Every validator check, each with a broken file, its exact message, code and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerscenarios.core.diagnostics import Severity
from peerscenarios.core.validator import validate_bytes, validate_file
from scenario_samples import VALID


def line_of(text: str, snippet: str, nth: int = 1) -> int:
    """1-based line of the nth line containing snippet."""
    hits = [i for i, ln in enumerate(text.splitlines(), 1) if snippet in ln]
    return hits[nth - 1]


def check(text: str, name: str = "broken.yaml"):
    return validate_bytes(text.encode("utf-8"), name)


def only(result, code: str):
    found = [d for d in result.diagnostics if d.code == code]
    assert found, f"no {code} in {[d.format() for d in result.diagnostics]}"
    return found


def test_valid_file_has_no_problems_and_builds_the_model() -> None:
    r = check(VALID)
    assert r.diagnostics == []
    sc = r.scenario
    assert sc is not None
    assert sc.id == "test-scenario"
    assert sc.start == "start"
    assert [c.id for c in sc.node("start").choices] == ["plan", "do-it", "tell-her"]
    assert dict(sc.node("start").choice("plan").effects) == {1: 1, 6: 2}
    assert sc.node("end").ending is not None
    assert sc.node("start").facilitator.discuss == ("What would Dana gain from calling herself?",)
    assert len(sc.content_hash) == 16


def test_yaml_syntax_error_names_the_line_to_fix() -> None:
    text = VALID.replace('title: "A test scenario"', 'title: "A test scenario')
    r = check(text)
    (d,) = only(r, "PS001")
    assert d.message == ('the text that starts with " on line 3 has no closing ": add one at '
                         "the end of the text (without it, YAML reads on into line 4)")
    assert (d.line, d.col) == (line_of(text, "title:"), 8)
    assert r.scenario is None


def test_unknown_key_suggests_the_right_one() -> None:
    text = VALID.replace("summary:", "sumary:")
    (d,) = only(check(text), "PS002")
    assert d.message == "unknown key 'sumary' in the scenario; did you mean 'summary'?"
    assert d.line == line_of(text, "sumary:")
    assert d.col == 1


def test_missing_required_field() -> None:
    text = VALID.replace("minutes: 6\n", "")
    (d,) = only(check(text), "PS003")
    assert d.message == "the scenario has no 'minutes'"
    assert d.line == 1


def test_wrong_type_list_for_text() -> None:
    text = VALID.replace('title: "A test scenario"', "title: [a, b]")
    (d,) = only(check(text), "PS004")
    assert d.message == "the title should be a single value, not a list"
    assert d.line == line_of(text, "title:")


def test_yaml_11_trap_no_read_as_false() -> None:
    text = VALID.replace("speaker: Dana", "speaker: no")
    (d,) = only(check(text), "PS005")
    assert d.message == ("the speaker 'no' is read by YAML as true/false, not as text; "
                         'write it in quotes: "no"')
    assert d.line == line_of(text, "speaker: no")


def test_yaml_11_trap_version_110_read_as_11() -> None:
    text = VALID.replace('version: "1.0"', "version: 1.10")
    (d,) = only(check(text), "PS005")
    assert d.message == 'version 1.10 is read by YAML as the number 1.1; write it in quotes: "1.10"'
    assert d.line == line_of(text, "version:")


def test_unquoted_float_that_round_trips_is_accepted() -> None:
    r = check(VALID.replace('version: "1.0"', "version: 2.5"))
    assert r.scenario is not None
    assert r.scenario.version == "2.5"


def test_duplicate_key() -> None:
    text = VALID.replace("minutes: 6\n", "minutes: 6\nminutes: 3\n")
    (d,) = only(check(text), "PS006")
    assert d.message == ("'minutes' appears twice in the scenario (first on line "
                         f"{line_of(text, 'minutes: 6')}); the second would silently replace "
                         "the first")
    assert d.line == line_of(text, "minutes: 3")


def test_duplicate_node_id() -> None:
    text = VALID.replace("  - id: waits", "  - id: calls")
    r = check(text)
    (d,) = only(r, "PS007")
    assert d.message == f"node id 'calls' is used twice (first on line {line_of(text, '- id: calls')})"
    assert d.line == line_of(text, "- id: calls", 2)


def test_duplicate_choice_id() -> None:
    text = VALID.replace("- id: do-it", "- id: plan")
    (d,) = only(check(text), "PS007")
    assert d.message.startswith("choice id 'plan' is used twice in node 'start'")


def test_duplicate_prompt_id() -> None:
    text = VALID.replace("id: r-end", "id: r-doing-for")
    (d,) = only(check(text), "PS007")
    assert "reflection prompt id 'r-doing-for' is used twice" in d.message


def test_choice_to_missing_node_suggests_close_id() -> None:
    text = VALID.replace("        next: calls", "        next: cals")
    (d,) = only(check(text), "PS008")
    assert d.message == "choice 'plan' goes to node 'cals', which does not exist; did you mean 'calls'?"
    assert d.line == line_of(text, "next: cals")
    assert d.node_id == "start"
    assert d.scenario_id == "test-scenario"


def test_unreachable_node_is_a_warning() -> None:
    text = VALID + "  - id: orphan\n    text: nobody comes here\n    next: end\n"
    r = check(text)
    (d,) = only(r, "PS009")
    assert d.severity is Severity.WARNING
    assert d.message == "node 'orphan' cannot be reached from the start node 'start'"
    assert d.line == line_of(text, "id: orphan")
    assert r.scenario is not None


def test_dead_end_node() -> None:
    text = VALID.replace('    text: "Dana puts the letter away."\n    next: end\n',
                         '    text: "Dana puts the letter away."\n')
    (d,) = only(check(text), "PS010")
    assert d.message == ("node 'waits' is not an ending and has no way on: add 'choices', "
                         "'next' or 'ending'")
    assert d.line == line_of(text, "id: waits")


def test_cycle_without_exit() -> None:
    text = VALID.replace('    text: "Dana puts the letter away."\n    next: end\n',
                         '    text: "Dana puts the letter away."\n    next: loop\n'
                         '  - id: loop\n    text: "Round again."\n    next: waits\n')
    r = check(text)
    found = only(r, "PS011")
    assert {d.node_id for d in found} == {"waits", "loop"}
    assert found[0].message == "node 'waits' is in a loop with no way out to an ending"
    assert found[0].line == line_of(text, "id: waits")


def test_choice_without_feedback() -> None:
    text = VALID.replace(
        '        feedback:\n          why: "Telling her what she must do, with a threat attached, '
        'is directive pressure."\n          better: "Ask what she wants to happen and what would '
        'help her make the call."\n', "")
    (d,) = only(check(text), "PS012")
    assert d.message == ("choice 'tell-her' has no feedback; say why this response matters and "
                         "what a better one would do")
    assert d.line == line_of(text, "- id: tell-her")


def test_drift_choice_without_better() -> None:
    text = VALID.replace('          better: "Offer to sit with her while she calls."\n', "")
    (d,) = only(check(text), "PS012")
    assert "has no 'better'" in d.message


def test_decision_without_peer_aligned_choice() -> None:
    text = VALID.replace("role: peer-aligned", "role: clinical-drift")
    text = text.replace('why: "You offer to go alongside',
                        'better: "x y"\n          why: "You offer to go alongside')
    (d,) = only(check(text), "PS013")
    assert d.message == ("decision node 'start' has no peer-aligned choice; offer at least one "
                         "response that stays in the peer role")
    assert d.line == line_of(text, "- id: plan")


def test_unknown_role_suggests() -> None:
    text = VALID.replace("role: directive-drift", "role: directive")
    (d,) = only(check(text), "PS014")
    assert d.message.startswith("unknown role 'directive'; did you mean 'directive-drift'?")
    assert d.line == line_of(text, "role: directive")


def test_unknown_competency_in_list_and_effects() -> None:
    text = VALID.replace("competencies: [1, 6]", "competencies: [1, 13]")
    text = text.replace("competencies: {6: -1}", "competencies: {0: -1}")
    found = only(check(text), "PS015")
    assert [d.line for d in found] == [line_of(text, "competencies: [1, 13]"),
                                       line_of(text, "{0: -1}")]
    assert found[0].message == "unknown competency 13; SAMHSA's core competencies are numbered 1 to 12"


def test_empty_text() -> None:
    text = VALID.replace('text: "Dana makes the call. Her voice shakes, then steadies."', 'text: ""')
    (d,) = only(check(text), "PS016")
    assert d.message == "the text of node 'calls' is empty"
    assert d.line == line_of(text, 'text: ""')


def test_effect_out_of_range() -> None:
    text = VALID.replace("{1: 1, 6: 2}", "{1: 1, 6: 5}")
    (d,) = only(check(text), "PS022")
    assert d.message == "a competency effect should be from -2 to 2, not 5"


def test_minutes_out_of_range() -> None:
    (d,) = only(check(VALID.replace("minutes: 6", "minutes: 0")), "PS022")
    assert d.message == "minutes should be between 1 and 60, not 0"


def test_minutes_not_a_number() -> None:
    (d,) = only(check(VALID.replace("minutes: 6", "minutes: five")), "PS004")
    assert d.message == "minutes should be a whole number, not 'five'"


def test_a_quoted_number_says_to_drop_the_quotes() -> None:
    # 'minutes should be a whole number, not 5' read as nonsense: 5 is one.
    (d,) = only(check(VALID.replace("minutes: 6", 'minutes: "5"')), "PS004")
    assert d.message == 'minutes should be a whole number, not "5": write it without quotes'


def test_bad_id_characters() -> None:
    text = VALID.replace("id: test-scenario", "id: Test Scenario")
    (d,) = only(check(text), "PS021")
    assert d.message == ("the scenario id 'Test Scenario' has capital letters; an id uses "
                         "lowercase letters, digits and hyphens (not first or last), at most 64 "
                         "characters")
    assert d.line == line_of(text, "id: Test Scenario")


def test_node_with_next_and_ending() -> None:
    text = VALID.replace('    text: "A week later Dana stops by."\n',
                         '    text: "A week later Dana stops by."\n    next: start\n')
    (d,) = only(check(text), "PS023")
    assert d.message == ("node 'end' has both 'next' and 'ending'; a node has exactly one of "
                         "choices, next and ending")


def test_unsupported_format_version() -> None:
    (d,) = only(check(VALID.replace("format: 1", "format: 2")), "PS022")
    assert "format 2 is not supported" in d.message


def test_custom_tags_refused() -> None:
    text = VALID.replace('title: "A test scenario"', "title: !!python/object:os.system x")
    (d,) = only(check(text), "PS004")
    assert "tag" in d.message
    assert "not allowed" in d.message


def test_every_problem_reported_in_one_run() -> None:
    text = (VALID.replace("summary:", "sumary:")
            .replace("role: directive-drift", "role: directiv")
            .replace("        next: calls", "        next: nowhere")
            .replace("minutes: 6", "minutes: 99"))
    codes = sorted(d.code for d in check(text).diagnostics)
    # PS009: with its only way in broken, node "calls" is also unreachable.
    assert codes == ["PS002", "PS003", "PS008", "PS009", "PS014", "PS022"]


def test_empty_file() -> None:
    (d,) = only(check(""), "PS003")
    assert d.message == "the file is empty"


def test_top_level_not_a_mapping() -> None:
    (d,) = only(check("- just\n- a list\n"), "PS004")
    assert d.message.startswith("the scenario should be a set of 'key: value' lines")


# -- hostile input -------------------------------------------------------------


def test_file_over_size_cap_refused_without_reading_it_all(tmp_path: Path) -> None:
    p = tmp_path / "huge.yaml"
    p.write_bytes(b"a: " + b"x" * (600 * 1024))
    r = validate_file(str(p))
    (d,) = only(r, "PS017")
    assert d.message == "the file is 600 KiB; scenario files are limited to 512 KiB"


def test_billion_laughs_refused() -> None:
    lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        lol.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join(['*' + prev] * 9)}]")
    text = "\n".join(lol) + "\n"
    r = check(text)
    found = only(r, "PS018")
    assert found[0].message.startswith("anchors and aliases (&name / *name) are not allowed")


def test_deep_flow_nesting_refused_quickly() -> None:
    text = "a: " + "[" * 100_000 + "]" * 100_000
    (d,) = only(check(text), "PS019")
    assert d.message == "nesting is deeper than 48 levels"


def test_deep_block_nesting_refused() -> None:
    text = "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 80)) + " " * 80 + "x\n"
    r = check(text)
    (d,) = only(r, "PS019")
    assert d.message == "nesting is deeper than 48 levels"
    assert r.scenario is None


def test_block_sequence_nesting_refused() -> None:
    r = check("- " * 5000 + "x\n")
    (d,) = only(r, "PS019")
    assert d.line == 1
    # Just under the line-prefix cap, libyaml composes it and the tree walk refuses it.
    r = check("- " * 100 + "x\n")
    (d,) = only(r, "PS019")
    assert d.message == "nesting is deeper than 48 levels"


def test_binary_junk_refused() -> None:
    r = validate_bytes(bytes(range(256)) * 4, "junk.yaml")
    (d,) = only(r, "PS020")
    assert d.message == ("the file is not UTF-8 text (is it a scenario file?); if it is, save "
                         "it as UTF-8 in your editor")


def test_control_characters_refused() -> None:
    r = validate_bytes(b"id: x\x00y\n", "nul.yaml")
    (d,) = only(r, "PS020")
    assert "control character (U+0000)" in d.message
    assert (d.line, d.col) == (1, 6)


def test_utf8_bom_is_accepted() -> None:
    r = validate_bytes(b"\xef\xbb\xbf" + VALID.encode(), "bom.yaml")
    assert r.scenario is not None


def test_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    r = validate_file(str(tmp_path / "missing.yaml"))
    (d,) = only(r, "PS020")
    assert d.message.startswith("the file could not be read")


@pytest.mark.parametrize("text", ["a: b: c", "[", "{a: 1", "key: 'unterminated", "- a\nb: c"])
def test_syntax_errors_never_raise(text: str) -> None:
    r = check(text)
    assert r.scenario is None
    assert r.diagnostics


# -- the rarer checks ------------------------------------------------------------


def test_errors_and_warnings_properties() -> None:
    r = check(VALID + "  - id: orphan\n    text: x\n    next: end\n")
    assert r.errors == []
    assert [d.code for d in r.warnings] == ["PS009"]


def test_empty_competency_list() -> None:
    (d,) = only(check(VALID.replace("competencies: [1, 6]", "competencies: []")), "PS016")
    assert d.message == "competencies is empty; list at least one competency number (1 to 12)"


def test_competency_listed_twice_is_a_warning() -> None:
    r = check(VALID.replace("competencies: [1, 6]", "competencies: [1, 6, 1]"))
    (d,) = only(r, "PS007")
    assert d.severity is Severity.WARNING
    assert d.message == "competency 1 is listed twice"
    assert r.scenario is not None


def test_empty_node_list() -> None:
    text = VALID[: VALID.index("nodes:")] + "nodes: []\n"
    (d,) = only(check(text), "PS016")
    assert d.message == "the scenario has no nodes"


def test_choice_competencies_not_a_mapping() -> None:
    (d,) = only(check(VALID.replace("competencies: {6: -1}", "competencies: [6]")), "PS004")
    assert d.message == ("a choice's competencies should look like {3: 1, 6: -1} "
                         "(competency number: effect)")


def test_competency_effect_given_twice() -> None:
    (d,) = only(check(VALID.replace("{1: 1, 6: 2}", "{1: 1, 6: 2, 6: 1}")), "PS006")
    assert d.message == "competency 6 appears twice in choice 'plan'"


def test_feedback_without_why() -> None:
    text = VALID.replace(
        '          why: "Making the call for her is the case manager\'s move and leaves her no stronger."\n',
        "")
    found = only(check(text), "PS012")
    assert found[0].message == "the feedback of choice 'do-it' has no 'why'"


def test_start_node_that_does_not_exist() -> None:
    text = VALID.replace("nodes:\n", "start: strat\nnodes:\n", 1)
    (d,) = only(check(text), "PS008")
    assert d.message == "start node 'strat' does not exist; did you mean 'start'?"


def test_explicit_start_node_is_used() -> None:
    r = check(VALID.replace("nodes:\n", "start: calls\nnodes:\n", 1))
    # 'start' is then unreachable, which is only a warning.
    assert r.scenario is not None
    assert r.scenario.start == "calls"


def test_scenario_with_no_ending() -> None:
    text = VALID.replace('''    ending:
      title: "A week later"
      debrief: "Going alongside leaves the person with a skill of their own."
''', "    next: start\n")
    found = only(check(text), "PS010")
    assert found[0].message == "the scenario has no ending: at least one node needs 'ending'"


def test_node_without_id_is_reported_and_the_rest_checked() -> None:
    text = VALID.replace("  - id: waits\n", "  - \n    note: x\n")
    r = check(text)
    codes = {d.code for d in r.diagnostics}
    assert "PS003" in codes
    assert "PS002" in codes
    assert r.scenario is None


def test_mapping_key_that_is_not_a_word() -> None:
    (d,) = only(check(VALID.replace("tags: [test]", "tags: [test]\n[a, b]: x")), "PS004")
    assert d.message == "a key in the scenario must be a plain word"


def test_unquoted_nan_in_text_field_is_reported() -> None:
    (d,) = only(check(VALID.replace('version: "1.0"', "version: .nan")), "PS005")
    assert "is read by YAML as the number" in d.message


def test_validate_file_with_custom_reader() -> None:
    r = validate_file("virtual.yaml", read=lambda _p: VALID.encode())
    assert r.scenario is not None
    assert r.path == "virtual.yaml"


def test_setting_population_and_order_reach_the_model() -> None:
    text = (VALID.replace("setting: peer-center\n",
                          "setting: street-outreach\npopulation: [adults, unhoused]\n")
            .replace("    choices:\n", "    order: fixed\n    choices:\n", 1))
    r = check(text)
    assert r.diagnostics == []
    sc = r.scenario
    assert sc is not None
    assert sc.setting == "street-outreach"
    assert sc.population == ("adults", "unhoused")
    assert sc.node("start").fixed_order is True
    assert check(VALID).scenario.node("start").fixed_order is False


def test_unknown_setting_names_the_list_and_suggests() -> None:
    text = VALID.replace("setting: peer-center", "setting: peer-centre")
    (d,) = only(check(text), "PS026")
    assert d.message == ("unknown setting 'peer-centre' (the settings are listed in "
                         "docs/scenario-format.md); did you mean 'peer-center'?")
    assert d.line == line_of(text, "setting:")
    assert check(text).scenario is None


def test_missing_setting_is_a_warning_and_the_scenario_still_loads() -> None:
    r = check(VALID.replace("setting: peer-center\n", ""))
    (d,) = only(r, "PS029")
    assert d.severity is Severity.WARNING
    assert r.scenario is not None
    assert r.scenario.setting == ""


def test_unknown_and_repeated_population() -> None:
    text = VALID.replace("setting: peer-center\n",
                         "setting: peer-center\npopulation: [veterans, vetrans, veterans]\n")
    r = check(text)
    (bad,) = only(r, "PS027")
    assert "did you mean 'veterans'?" in bad.message
    (dup,) = only(r, "PS007")
    assert dup.message == "population 'veterans' is listed twice"
    assert dup.severity is Severity.WARNING


def test_unknown_order_value() -> None:
    text = VALID.replace("    choices:\n", "    order: random\n    choices:\n", 1)
    (d,) = only(check(text), "PS028")
    assert d.message.startswith("order 'random' is not known; write 'order: fixed'")
    assert d.line == line_of(text, "order: random")


def test_safety_lapse_is_a_role_of_its_own() -> None:
    text = VALID.replace("role: directive-drift", "role: safety-lapse")
    r = check(text)
    assert r.scenario is not None
    from peerscenarios.core.taxonomy import Role

    assert r.scenario.node("start").choice("tell-her").role is Role.SAFETY
    assert Role.SAFETY.is_drift


# -- the validator's structure ---------------------------------------------------


def test_a_nodes_key_problems_are_labelled_with_its_own_id() -> None:
    text = VALID.replace('    text: "Dana puts the letter away."\n',
                         '    text: "Dana puts the letter away."\n    text: "Again."\n')
    (d,) = only(check(text), "PS006")
    # Before, the label was the id of the node walked just before this one.
    assert d.node_id == "waits"


def test_every_code_is_in_the_table_and_the_docs_list_the_same_table() -> None:
    import re

    from peerscenarios.core.diagnostics import CODES

    src = Path(__file__).resolve().parents[2] / "src" / "peerscenarios"
    used = set()
    for f in src.rglob("*.py"):
        used |= set(re.findall(r'"(PS\d{3})"', f.read_text(encoding="utf-8")))
    assert used <= set(CODES)
    docs = (src.parents[1] / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| (PS\d{3}) \|", docs, re.MULTILINE)
    assert listed == sorted(CODES)


def test_graph_checks_know_nothing_about_yaml() -> None:
    import ast

    import peerscenarios.core.validate.graph as graph

    tree = ast.parse(Path(graph.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name == "yaml" or name.startswith("yaml.") for name in imported)
    assert "peerscenarios.core.validate.walker" not in imported


# -- one bad file, hostile values ------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), [
    ("minutes: 6", "minutes: 1" + "0" * 5000),
    ("format: 1", "format: 1" + "0" * 5000),
    ("competencies: [1, 6]", "competencies: [1, 6" + "0" * 5000 + "]"),
    ("{1: 1, 6: 2}", "{1: 1, 6: 2" + "0" * 5000 + "}"),
])
def test_number_too_long_for_python_is_a_located_problem(old: str, new: str) -> None:
    text = VALID.replace(old, new)
    r = check(text)
    (d,) = only(r, "PS022")
    assert d.message.endswith("should be a small whole number, not one with 5,001 digits")
    assert d.line == line_of(text, "0" * 100)
    assert r.scenario is None


@pytest.mark.parametrize(("written", "reading"), [
    ("017", "15 (a number starting with 0 is counted in eights); write a plain whole number, "
            "such as 17"),
    ("1:00", "60 (it counts '1:00' in sixties, like a clock); write a plain whole number"),
    ("0x0F", "the hexadecimal number 15; write a plain whole number"),
    ("0b11", "the binary number 3; write a plain whole number"),
])
def test_yaml_11_number_traps_are_reported(written: str, reading: str) -> None:
    text = VALID.replace("minutes: 6", f"minutes: {written}")
    (d,) = only(check(text), "PS005")
    assert d.message == f"minutes {written} is read by YAML as {reading}"
    assert d.line == line_of(text, "minutes:")


def test_leading_zero_that_reads_the_same_is_accepted() -> None:
    r = check(VALID.replace("minutes: 6", "minutes: 05"))
    assert r.scenario is not None
    assert r.scenario.minutes == 5


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\u2066", "\ufeff"])
def test_invisible_characters_in_ids_are_refused_and_never_printed_raw(hidden: str) -> None:
    text = VALID.replace("  - id: waits", f"  - id: wa{hidden}its").replace("next: waits", f"next: wa{hidden}its")
    r = check(text)
    found = only(r, "PS021")
    shown = f"<U+{ord(hidden):04X}>"
    assert any(d.message.startswith(f"the node id 'wa{shown}its' contains an invisible "
                                    f"character (U+{ord(hidden):04X})") for d in found)
    for d in r.diagnostics:
        assert hidden not in d.format()
        assert hidden not in str(d.to_dict())


def test_a_file_name_with_control_characters_is_printed_safely() -> None:
    r = validate_bytes(b"id: [", "evil\u202e.yaml\nfake: error")
    (d,) = r.diagnostics
    assert d.format().startswith("evil<U+202E>.yaml fake: error:")


def test_fifo_named_yaml_is_refused_without_blocking(tmp_path: Path) -> None:
    import os
    import threading

    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    results = []
    worker = threading.Thread(target=lambda: results.append(validate_file(str(fifo))),
                              daemon=True)
    worker.start()
    # Before the fix, open() waited for a writer forever; a bound keeps the suite going.
    worker.join(timeout=20)
    assert results, "validate_file blocked on a FIFO"
    (d,) = only(results[0], "PS020")
    assert d.message.startswith("this is not an ordinary file (it is a pipe, a device or a "
                                "socket), so it was not opened")


def test_dead_end_is_not_reported_when_the_way_on_is_a_misspelt_key() -> None:
    # The cause (an unknown key, with its suggestion) must not be buried under its
    # consequence ('no way on', reported first because it sits on an earlier line).
    text = VALID.replace("    choices:\n", "    choises:\n", 1)
    r = check(text)
    codes = [d.code for d in r.diagnostics if d.severity is Severity.ERROR]
    assert codes == ["PS002"]
    assert r.diagnostics[0].message == ("unknown key 'choises' in a node; did you mean "
                                        "'choices'?")


def test_blank_ending_title_does_not_claim_the_scenario_has_no_ending() -> None:
    text = VALID.replace('      title: "A week later"', '      title: "   "')
    r = check(text)
    assert [d.code for d in r.diagnostics] == ["PS016"]
    assert r.diagnostics[0].message == "the ending's title is empty"
