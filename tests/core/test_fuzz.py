"""No input may crash the loader: thousands of mutated files are either valid or reported."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerscenarios.core.diagnostics import Severity
from peerscenarios.core.lint import lint
from peerscenarios.core.validator import validate_bytes
from scenario_samples import VALID

BASE = VALID.encode()
TOKENS = [b"\n", b": ", b"- ", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"!!str ", b"'", b'"',
          b"#", b"|", b">", b"  ", b"\t", b"no", b"1.10", b"~", b"next: start", b"role: x",
          b"\x00", b"\xff", b"---\n", b"...\n", b"? ", b"<<: ", b"%YAML 1.1\n",
          # Spellings YAML 1.1 (the full walk) and 1.2 (the quick reader) read differently.
          b"017", b"0o17", b"+5", b"-0", b"1_000", b"yes", b"1:30", b"2001-01-01", b"1e3"]


def _outcome_is_clean(data: bytes) -> None:
    result = validate_bytes(data, "fuzz.yaml")
    has_error = any(d.severity is Severity.ERROR for d in result.diagnostics)
    # Exactly one of: a scenario was built, or at least one error explains why not.
    assert (result.scenario is None) == has_error
    for d in result.diagnostics:
        assert d.line >= 1
        assert d.col >= 1
        assert d.code.startswith("PS")
        assert d.message
    lint(result)


mutation = st.tuples(
    st.integers(min_value=0, max_value=len(BASE)),
    st.integers(min_value=0, max_value=40),
    st.one_of(st.sampled_from(TOKENS), st.binary(max_size=12)),
)


@settings(max_examples=2500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=6))
def test_mutated_scenarios_never_crash(mutations: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(BASE)
    for pos, cut, insert in mutations:
        pos = min(pos, len(data))
        data[pos:pos + cut] = insert
    _outcome_is_clean(bytes(data))


@settings(max_examples=800, deadline=None, derandomize=True)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    _outcome_is_clean(data)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda kids: st.lists(kids, max_size=4)
                    | st.dictionaries(st.sampled_from(["id", "nodes", "choices", "text", "next",
                                                       "role", "feedback", "why", "title"]),
                                      kids, max_size=4),
                    max_leaves=30))
def test_random_structures_never_crash(value: object) -> None:
    import yaml

    _outcome_is_clean(yaml.safe_dump({"format": 1, "id": "x-y", "nodes": [value]}).encode())


# -- the fast path and the full walk agree ----------------------------------------------


def _both(data: bytes):
    """The full, position-aware walk, and the path the library takes when it does not lint."""
    return validate_bytes(data, "f.yaml"), validate_bytes(data, "f.yaml", spans=False)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_fast_path_gives_what_the_full_walk_gives(mutations: list[tuple[int, int, bytes]]) -> None:
    data = bytearray(BASE)
    for pos, cut, insert in mutations:
        pos = min(pos, len(data))
        data[pos:pos + cut] = insert
    full, fast = _both(bytes(data))
    assert fast.diagnostics == full.diagnostics
    assert fast.scenario == full.scenario


@pytest.mark.parametrize("variant", [
    # Each of these loads, with a warning; the fast path must leave them to the full walk.
    ("setting: peer-center\n", ""),  # no setting (PS029)
    ("competencies: [1, 6]", "competencies: [1, 6, 1]"),  # listed twice (PS007)
    ("population: [adults]", "population: [adults, adults]"),  # listed twice (PS007)
    ("version: \"1.0\"", "version: 2.5"),  # read as a float: accepted as text, left alone
    ("minutes: 6", "minutes: +6"),  # not written plainly
])
def test_files_with_anything_to_say_take_the_full_walk(variant: tuple[str, str]) -> None:
    from peerscenarios.core import safeyaml
    from peerscenarios.core.validate.fast import fast_scenario

    text = VALID.replace("setting: peer-center\n", "setting: peer-center\npopulation: [adults]\n")
    text = text.replace(*variant)
    assert text != VALID
    data = text.encode()
    decoded = safeyaml.decode(data)
    assert isinstance(decoded, str)
    assert fast_scenario(data, decoded, "f.yaml") is None
    full, fast = _both(data)
    assert fast.diagnostics == full.diagnostics
    assert fast.scenario == full.scenario


def test_clean_files_take_the_fast_path_with_the_same_scenario() -> None:
    from pathlib import Path

    from peerscenarios.core import safeyaml
    from peerscenarios.core.validate.fast import fast_scenario

    builtin = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
    fast_count = 0
    for data in [BASE] + [f.read_bytes() for f in builtin]:
        decoded = safeyaml.decode(data)
        assert isinstance(decoded, str)
        found = fast_scenario(data, decoded, "f.yaml")
        full = validate_bytes(data, "f.yaml")
        if found is not None:
            fast_count += 1
            assert full.diagnostics == []
            assert found[0] == full.scenario
            assert found[1] == full.id_mark
    assert fast_count == len(builtin) + 1
