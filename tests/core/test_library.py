"""Library loading: folders, problems kept beside good scenarios, duplicate ids, the cache.

The pure steps live in ``core.library``; the cache and the worker processes in
``app.library_service``, whose ``load_library`` the app and ``validate`` use.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from peerscenarios.app import library_service as service
from peerscenarios.app.library_service import load_library
from peerscenarios.core import library
from peerscenarios.core.library import find_files
from scenario_samples import VALID

BUILTIN = Path(__file__).resolve().parents[2] / "scenarios"


def test_builtin_library_loads_clean() -> None:
    lib = load_library([], builtin=[BUILTIN])
    assert len(lib.scenarios) >= 14
    assert lib.problems == ()
    assert lib.diagnostics == ()
    assert all(lib.is_builtin(s.id) for s in lib.scenarios)


def test_broken_file_is_listed_and_the_rest_still_loads(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(VALID)
    (tmp_path / "bad.yaml").write_text("id: [\n")
    (tmp_path / "notes.txt").write_text("ignored")
    lib = load_library([tmp_path])
    assert [s.id for s in lib.scenarios] == ["test-scenario"]
    (bad,) = lib.problems
    assert bad.path.endswith("bad.yaml")
    assert bad.diagnostics[0].code == "PS001"
    assert lib.by_id("test-scenario") is not None
    assert lib.by_id("nope") is None


def test_duplicate_scenario_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text(VALID)
    lib = load_library([tmp_path])
    assert len(lib.scenarios) == 1
    (dup,) = lib.problems
    assert dup.diagnostics[-1].code == "PS024"
    assert "already used by" in dup.diagnostics[-1].message


def test_user_file_cannot_shadow_builtin(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    user = tmp_path / "user"
    builtin.mkdir()
    user.mkdir()
    (builtin / "a.yaml").write_text(VALID)
    (user / "a.yaml").write_text(VALID)
    lib = load_library([user], builtin=[builtin])
    assert lib.is_builtin("test-scenario")
    assert lib.problems[0].path.startswith(str(user))


def test_cache_serves_second_load_and_notices_edits(tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "src"
    src.mkdir()
    f = src / "a.yaml"
    f.write_text(VALID)
    cache = tmp_path / "cache"
    first = load_library([src], cache_dir=cache)
    assert (cache / f"library-v{service.CACHE_VERSION}.pickle").exists()

    calls = []
    real = library.check_file
    monkeypatch.setattr(library, "check_file", lambda p, **kw: calls.append(p) or real(p, **kw))
    second = load_library([src], cache_dir=cache)
    assert calls == []
    assert second.scenarios[0] == first.scenarios[0]

    f.write_text(VALID.replace("A test scenario", "An edited scenario"))
    os.utime(f, ns=(f.stat().st_mtime_ns + 10_000_000, f.stat().st_mtime_ns + 10_000_000))
    third = load_library([src], cache_dir=cache)
    assert calls == [f]
    assert third.scenarios[0].title == "An edited scenario"
    assert third.scenarios[0].content_hash != first.scenarios[0].content_hash


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"library-v{service.CACHE_VERSION}.pickle").write_bytes(b"not a pickle")
    (tmp_path / "a.yaml").write_text(VALID)
    lib = load_library([tmp_path / "a.yaml"], cache_dir=cache)
    assert len(lib.scenarios) == 1


def test_progress_is_reported(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"s{i}.yaml").write_text(VALID.replace("test-scenario", f"test-{i}"))
    seen = []
    load_library([tmp_path], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_find_files_recurses_and_sorts(tmp_path: Path) -> None:
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "b.yml").write_text("x")
    (tmp_path / "a.yaml").write_text("x")
    assert [p.name for p in find_files([tmp_path])] == ["a.yaml", "b.yml"]


def test_many_files_validate_in_worker_processes_with_the_same_result(tmp_path: Path) -> None:
    count = service.PARALLEL_THRESHOLD + 6
    for i in range(count):
        text = VALID.replace("test-scenario", f"test-{i:03d}")
        if i == 7:
            text = text.replace("role: directive-drift", "role: nope")
        (tmp_path / f"s{i:03d}.yaml").write_text(text)
    seen: list[tuple[int, int]] = []
    parallel = load_library([tmp_path], parallel=True, progress=lambda d, t: seen.append((d, t)))
    serial = load_library([tmp_path], parallel=False)
    assert [f.path for f in parallel.files] == [f.path for f in serial.files]
    assert parallel.scenarios == serial.scenarios
    assert [f.diagnostics for f in parallel.files] == [f.diagnostics for f in serial.files]
    assert len(parallel.scenarios) == count - 1
    assert parallel.problems[0].diagnostics[0].code == "PS014"
    assert seen[-1] == (count, count)


def test_lazy_nodes_from_the_cache_behave_like_the_original(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID)
    cache = tmp_path / "cache"
    cold = load_library([tmp_path / "a.yaml"], cache_dir=cache).scenarios[0]
    warm = load_library([tmp_path / "a.yaml"], cache_dir=cache).scenarios[0]
    assert isinstance(warm.nodes, service.LazyNodes)
    assert warm == cold
    assert list(warm.nodes) == list(cold.nodes)
    assert warm.node("start").choice("plan").effects == {1: 1, 6: 2}
    assert len(warm.nodes) == 4
    # Re-pickling an unpacked LazyNodes still round-trips (the cache is rewritten after edits).
    import pickle

    again = pickle.loads(service.dumps(warm))
    assert again == cold


def test_a_cached_scenario_knows_its_decision_count_without_unpacking(tmp_path: Path) -> None:
    """The Library shows the count for the first row; that must not unpack its nodes."""
    (tmp_path / "a.yaml").write_text(VALID)
    cache = tmp_path / "cache"
    cold = load_library([tmp_path / "a.yaml"], cache_dir=cache).scenarios[0]
    warm = load_library([tmp_path / "a.yaml"], cache_dir=cache).scenarios[0]
    nodes = warm.nodes
    assert isinstance(nodes, service.LazyNodes)
    assert warm.decision_count == cold.decision_count == 1
    assert nodes._data is None  # still packed
    # A cache written before the count was stored still answers, from the nodes.
    old = service.LazyNodes(nodes.blob())
    assert old.decision_count is None
    assert dataclasses.replace(warm, nodes=old).decision_count == 1


def test_core_loader_gives_the_same_library_without_cache_or_workers(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text("id: [\n")
    pure = library.load_library([tmp_path])
    cached = load_library([tmp_path], cache_dir=tmp_path / "cache")
    assert pure == cached


def test_loading_leaves_the_process_wide_pickle_table_alone(tmp_path: Path) -> None:
    import copyreg
    from types import MappingProxyType

    from peerscenarios.core.model import Scenario

    (tmp_path / "a.yaml").write_text(VALID)
    cache = tmp_path / "cache"
    load_library([tmp_path], cache_dir=cache)
    load_library([tmp_path], cache_dir=cache)
    # Other code in the app that pickles must not change behaviour because the library loaded.
    assert MappingProxyType not in copyreg.dispatch_table
    assert Scenario not in copyreg.dispatch_table


def test_one_file_with_a_huge_number_never_blocks_the_built_ins(tmp_path: Path) -> None:
    (tmp_path / "huge.yaml").write_text(VALID.replace("minutes: 6", "minutes: 1" + "0" * 5000))
    lib = load_library([tmp_path], builtin=[BUILTIN])
    assert len(lib.scenarios) >= 14
    (bad,) = lib.problems
    assert [d.code for d in bad.diagnostics] == ["PS022"]


def test_any_failure_while_checking_a_file_is_a_diagnostic_for_that_file(
        tmp_path: Path, monkeypatch) -> None:
    from peerscenarios.core import validator

    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text(VALID.replace("test-scenario", "other"))
    real = validator.validate_file

    def flaky(path: str, **kw):
        if path.endswith("a.yaml"):
            raise RuntimeError("something unforeseen")
        return real(path, **kw)

    monkeypatch.setattr(validator, "validate_file", flaky)
    lib = load_library([tmp_path], parallel=False)
    assert [s.id for s in lib.scenarios] == ["other"]
    (bad,) = lib.problems
    (d,) = bad.diagnostics
    assert (d.code, d.line, d.col) == ("PS030", 1, 1)
    assert d.message.startswith("the checker failed on this file (RuntimeError: something "
                                "unforeseen); the other scenarios still load")


def test_a_damaged_cache_entry_is_ignored_on_its_own(tmp_path: Path) -> None:
    import pickle

    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(VALID.replace("test-scenario", f"test-{name}"))
    cache = tmp_path / "cache"
    load_library([tmp_path], cache_dir=cache)
    file = cache / f"library-v{service.CACHE_VERSION}.pickle"
    entries = pickle.loads(file.read_bytes())
    entries[str(tmp_path / "a.yaml")] = 1  # a valid pickle with the wrong shape
    file.write_bytes(pickle.dumps(entries))
    lib = load_library([tmp_path], cache_dir=cache)
    assert [s.id for s in lib.scenarios] == ["test-a", "test-b"]
    assert lib.problems == ()


def test_a_cache_of_the_wrong_type_is_ignored(tmp_path: Path) -> None:
    import pickle

    (tmp_path / "a.yaml").write_text(VALID)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"library-v{service.CACHE_VERSION}.pickle").write_bytes(
        pickle.dumps({str(tmp_path / "a.yaml"): (1, 2)}))
    assert len(load_library([tmp_path], cache_dir=cache).scenarios) == 1
