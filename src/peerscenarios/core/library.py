"""Loading a library of scenario files from folders, with a cache for fast second starts."""

from __future__ import annotations

import copyreg
import dataclasses
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from peerscenarios.core.diagnostics import Diagnostic, Severity
from peerscenarios.core.model import Node, Scenario

log = logging.getLogger(__name__)

# Bump whenever the model or the checks change, so stale cache entries are ignored.
CACHE_VERSION = 4
SCENARIO_SUFFIXES = (".yaml", ".yml")


def _make_proxy(d: dict[object, object]) -> MappingProxyType[object, object]:
    return MappingProxyType(d)


def _pickle_mappingproxy(m: MappingProxyType[object, object]) -> tuple[object, ...]:
    # The model's read-only mappings are rebuilt from plain dicts when the cache loads.
    return (_make_proxy, (dict(m),))


copyreg.pickle(MappingProxyType, _pickle_mappingproxy)  # type: ignore[arg-type]


class LazyNodes(Mapping[str, Node]):
    """A scenario's nodes, kept pickled until first used.

    The library list needs only titles and metadata; a warm start with a
    thousand cached scenarios would otherwise spend most of its time
    rebuilding node objects nobody has looked at yet.
    """

    __slots__ = ("_blob", "_data")

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._data: dict[str, Node] | None = None

    def _nodes(self) -> dict[str, Node]:
        if self._data is None:
            data = pickle.loads(self._blob)
            if not isinstance(data, dict):  # pragma: no cover - the cache wrote it
                raise TypeError("damaged scenario cache entry")
            self._data = data
            self._blob = b""
        return self._data

    def blob(self) -> bytes:
        """The pickled nodes (re-pickled if they were already unpacked)."""
        if self._data is None:
            return self._blob
        return pickle.dumps(self._data, protocol=pickle.HIGHEST_PROTOCOL)

    def __getitem__(self, key: str) -> Node:
        return self._nodes()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes())

    def __len__(self) -> int:
        return len(self._nodes())

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyNodes, (self.blob(),))


_SCENARIO_FIELDS = tuple(f.name for f in dataclasses.fields(Scenario) if f.name != "nodes")


def _make_scenario(values: tuple[Any, ...], blob: bytes) -> Scenario:
    return Scenario(**dict(zip(_SCENARIO_FIELDS, values, strict=True)), nodes=LazyNodes(blob))


def _pickle_scenario(s: Scenario) -> tuple[Any, ...]:
    nodes = s.nodes
    blob = (nodes.blob() if isinstance(nodes, LazyNodes)
            else pickle.dumps(dict(nodes), protocol=pickle.HIGHEST_PROTOCOL))
    return (_make_scenario, (tuple(getattr(s, name) for name in _SCENARIO_FIELDS), blob))


copyreg.pickle(Scenario, _pickle_scenario)


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """One file's outcome: its scenario (None if it has errors) and every diagnostic."""

    path: str
    scenario: Scenario | None
    diagnostics: tuple[Diagnostic, ...]
    builtin: bool = False

    @property
    def ok(self) -> bool:
        """True if the scenario loaded."""
        return self.scenario is not None


@dataclass(frozen=True, slots=True)
class Library:
    """Every loaded scenario, and the files that could not be loaded."""

    files: tuple[LoadedFile, ...] = ()
    scenarios: tuple[Scenario, ...] = field(default=())

    @property
    def problems(self) -> tuple[LoadedFile, ...]:
        """Files that failed to load."""
        return tuple(f for f in self.files if not f.ok)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """All diagnostics from all files, in file order."""
        return tuple(d for f in self.files for d in f.diagnostics)

    def by_id(self, scenario_id: str) -> Scenario | None:
        """The scenario with this id, or None."""
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        return None

    def is_builtin(self, scenario_id: str) -> bool:
        """True if the scenario comes from the built-in folder."""
        return any(f.builtin for f in self.files if f.scenario and f.scenario.id == scenario_id)


def find_files(paths: Iterable[Path]) -> list[Path]:
    """Scenario files named directly, and those found (recursively) in folders, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*")
                              if q.suffix.lower() in SCENARIO_SUFFIXES and q.is_file()))
        else:
            out.append(p)
    return out


def check_file(path: Path, *, with_lint: bool = True) -> LoadedFile:
    """Validate (and lint) one file."""
    # Imported here: a warm start served from the cache never needs the YAML
    # reader or the checks, and the app imports this module before its first paint.
    from peerscenarios.core.validator import validate_file

    result = validate_file(str(path))
    diags = list(result.diagnostics)
    if with_lint:
        from peerscenarios.core.lint import lint

        diags += lint(result)
    diags.sort(key=lambda d: (d.line, d.col))
    return LoadedFile(str(path), result.scenario, tuple(diags))


class _Cache:
    """A pickle of LoadedFile per path, keyed by size and mtime, in a private folder."""

    def __init__(self, folder: Path | None, *, with_lint: bool = False) -> None:
        # Linted and unlinted results carry different diagnostics: keep them apart.
        name = f"library-v{CACHE_VERSION}{'-lint' if with_lint else ''}.pickle"
        self.file = folder / name if folder else None
        self.entries: dict[str, tuple[int, int, LoadedFile]] = {}
        self.dirty = False
        if self.file is None:
            return
        try:
            with open(self.file, "rb") as fh:
                data = pickle.load(fh)
            if isinstance(data, dict):
                self.entries = data
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError,
                TypeError, ValueError, IndexError):
            # A missing or unreadable cache only costs a cold load.
            self.entries = {}

    def get(self, path: Path, st: os.stat_result) -> LoadedFile | None:
        hit = self.entries.get(str(path))
        if hit is not None and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return hit[2]
        return None

    def put(self, path: Path, st: os.stat_result, loaded: LoadedFile) -> None:
        self.entries[str(path)] = (st.st_size, st.st_mtime_ns, loaded)
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        if self.file is None:
            return
        stale = set(self.entries) - keep
        if not self.dirty and not stale:
            return
        for k in stale:
            del self.entries[k]
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".cache-")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self.entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.file)
        except OSError:
            # Caching is an optimisation; a read-only or full disk must not stop the app.
            pass


# Below this many files needing validation, starting worker processes costs
# more than it saves.
PARALLEL_THRESHOLD = 64


def _check_many(paths: list[Path], with_lint: bool, parallel: bool,
                ) -> Iterator[LoadedFile]:
    """Validate files in order, in worker processes when there are many and cores to use."""
    workers = min(os.cpu_count() or 1, 4)
    if parallel and workers > 1 and len(paths) >= PARALLEL_THRESHOLD:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        # 'spawn', never fork: the app calls this from a thread of a Qt process.
        ctx = multiprocessing.get_context("spawn")
        done = 0
        try:
            with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
                chunk = max(1, len(paths) // (workers * 8))
                for loaded in pool.map(_check_for_pool, paths, [with_lint] * len(paths),
                                       chunksize=chunk):
                    done += 1
                    yield loaded
            return
        except (OSError, BrokenProcessPool, RuntimeError) as exc:
            # No processes to be had (sandbox, resource limits): carry on in this one.
            # Said out loud: a built app whose workers cannot start (no freeze support)
            # would otherwise only be slower, and nothing would show why.
            log.warning("worker processes unavailable (%s: %s); validating in this process",
                        type(exc).__name__, exc)
            paths = paths[done:]
    for path in paths:
        yield check_file(path, with_lint=with_lint)


def _check_for_pool(path: Path, with_lint: bool) -> LoadedFile:
    return check_file(path, with_lint=with_lint)


def load_library(
    folders: Sequence[Path],
    *,
    builtin: Sequence[Path] = (),
    cache_dir: Path | None = None,
    with_lint: bool = False,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool = True,
) -> Library:
    """Load every scenario under ``builtin`` and ``folders``.

    Files that fail are kept with their diagnostics; a second file with an
    already-used scenario id is refused (PS024). ``progress(done, total)`` is
    called as files are read. The content lint (language and teaching checks,
    for authors) runs only with ``with_lint=True``: the app does not need it
    to play a scenario, and it costs more than the validation itself. Files
    not in the cache are validated in worker processes when there are many.
    """
    cache = _Cache(cache_dir, with_lint=with_lint)
    items = [(p, True) for p in find_files(builtin)] + [(p, False) for p in find_files(folders)]
    total = len(items)
    found: dict[int, LoadedFile] = {}
    todo: list[tuple[int, Path, os.stat_result | None]] = []
    for i, (path, _builtin) in enumerate(items):
        try:
            st: os.stat_result | None = path.stat()
        except OSError:
            st = None
        hit = cache.get(path, st) if st is not None else None
        if hit is None:
            todo.append((i, path, st))
        else:
            found[i] = hit
    done = len(found)
    if progress is not None and done:
        progress(done, total)
    checked = _check_many([p for _, p, _ in todo], with_lint, parallel)
    for (i, path, st), loaded in zip(todo, checked, strict=True):
        found[i] = loaded
        if st is not None:
            cache.put(path, st, loaded)
        done += 1
        if progress is not None:
            progress(done, total)

    files: list[LoadedFile] = []
    seen_ids: dict[str, str] = {}
    for i, (path, is_builtin) in enumerate(items):
        loaded = found[i]
        loaded = LoadedFile(loaded.path, loaded.scenario, loaded.diagnostics, is_builtin)
        sc = loaded.scenario
        if sc is not None:
            if sc.id in seen_ids:
                diag = Diagnostic(str(path), 1, 1, Severity.ERROR,
                                  f"scenario id '{sc.id}' is already used by {seen_ids[sc.id]}; "
                                  "give this scenario its own id", "PS024", sc.id)
                loaded = LoadedFile(loaded.path, None, (*loaded.diagnostics, diag), is_builtin)
            else:
                seen_ids[sc.id] = str(path)
        files.append(loaded)
    cache.save({str(p) for p, _ in items})
    scenarios = tuple(f.scenario for f in files if f.scenario is not None)
    return Library(tuple(files), scenarios)
