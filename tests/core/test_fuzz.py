"""No input may crash the loader: thousands of mutated files are either valid or reported."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario_samples import VALID

from peerscenarios.core.diagnostics import Severity
from peerscenarios.core.lint import lint
from peerscenarios.core.validator import validate_bytes

BASE = VALID.encode()
TOKENS = [b"\n", b": ", b"- ", b"[", b"]", b"{", b"}", b"&a ", b"*a", b"!!str ", b"'", b'"',
          b"#", b"|", b">", b"  ", b"\t", b"no", b"1.10", b"~", b"next: start", b"role: x",
          b"\x00", b"\xff", b"---\n", b"...\n", b"? ", b"<<: ", b"%YAML 1.1\n"]


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
