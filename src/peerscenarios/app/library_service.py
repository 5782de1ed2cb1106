"""The library service: load the scenario library with a cache and, when it pays, worker processes.

``peerscenarios.core.library`` decides what a file means; this module decides
how the app gets there quickly: results are kept in a private pickle cache
keyed on each file's size and mtime, nodes stay pickled until a scenario is
opened, and a cold load of many files is spread over worker processes.
"""

from __future__ import annotations

import copyreg
import dataclasses
import io
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from peerscenarios.core import library as core_library
from peerscenarios.core.library import Library, LoadedFile
from peerscenarios.core.model import Node, Scenario

__all__ = ["CACHE_VERSION", "PARALLEL_THRESHOLD", "LazyNodes", "Library", "LoadedFile", "dumps",
           "load_library"]

# Bump whenever the model or the checks change, so stale cache entries are ignored.
CACHE_VERSION = 5

# Below this many files needing validation, starting worker processes costs
# more than it saves (a spawned worker needs about 0.3 s to import the checks).
PARALLEL_THRESHOLD = 64


# -- pickling ---------------------------------------------------------------------
#
# The model is frozen dataclasses holding read-only mappings (MappingProxyType),
# which pickle cannot store by itself. Rather than teach every pickler in the
# process (copyreg's global table), this module pickles with its own table:
# nothing else in the app changes behaviour because the library was loaded.


def _make_proxy(d: dict[object, object]) -> MappingProxyType[object, object]:
    return MappingProxyType(d)


def _reduce_proxy(m: MappingProxyType[object, object],
                  ) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    # The model's read-only mappings are rebuilt from plain dicts on load.
    return (_make_proxy, (dict(m),))


_SCENARIO_FIELDS = tuple(f.name for f in dataclasses.fields(Scenario) if f.name != "nodes")


def _make_scenario(values: tuple[Any, ...], blob: bytes) -> Scenario:
    return Scenario(**dict(zip(_SCENARIO_FIELDS, values, strict=True)), nodes=LazyNodes(blob))


def _reduce_scenario(s: Scenario) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    nodes = s.nodes
    blob = nodes.blob() if isinstance(nodes, LazyNodes) else dumps(dict(nodes))
    return (_make_scenario, (tuple(getattr(s, name) for name in _SCENARIO_FIELDS), blob))


class _Pickler(pickle.Pickler):
    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[MappingProxyType] = _reduce_proxy
    dispatch_table[Scenario] = _reduce_scenario


def dumps(obj: object) -> bytes:
    """Pickle model objects (scenarios, loaded files, nodes) for the cache or a worker."""
    buf = io.BytesIO()
    _Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


class LazyNodes(Mapping[str, Node]):
    """A scenario's nodes, kept pickled until first used.

    The Library screen needs only titles and metadata. Measured on the 1,000
    generated scenarios of 41 nodes that bench/bench_library.py loads: a warm
    start that rebuilt every node object cost 0.94 s of CPU, against 0.07 s
    with the nodes left as one bytes blob per scenario until it is opened.
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
        return dumps(self._data)

    def __getitem__(self, key: str) -> Node:
        return self._nodes()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes())

    def __len__(self) -> int:
        return len(self._nodes())

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyNodes, (self.blob(),))


# -- the cache --------------------------------------------------------------------


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
        except Exception:  # a damaged cache of any kind only costs a cold load
            self.entries = {}

    def get(self, path: Path, st: os.stat_result) -> LoadedFile | None:
        """The cached result for this file as it is now, or None.

        Each entry is checked on its own: one damaged entry means one file is
        read again, never that the load fails.
        """
        hit = self.entries.get(str(path))
        if not (isinstance(hit, tuple) and len(hit) == 3 and isinstance(hit[2], LoadedFile)):
            return None
        size, mtime, loaded = hit
        if size != st.st_size or mtime != st.st_mtime_ns:
            return None
        if not (isinstance(loaded.diagnostics, tuple)
                and (loaded.scenario is None or isinstance(loaded.scenario, Scenario))):
            return None
        return loaded

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
                fh.write(dumps(self.entries))
            os.replace(tmp, self.file)
        except OSError:
            # Caching is an optimisation; a read-only or full disk must not stop the app.
            pass


# -- checking many files ------------------------------------------------------------


def _check_many(paths: list[Path], with_lint: bool, parallel: bool,
                ) -> Iterator[LoadedFile]:
    """Validate files in order, in worker processes when there are many and cores to use.

    Why processes: composing YAML nodes and walking them is Python code holding
    the GIL, so threads would only take turns. A cold load of bench/bench_library.py's
    1,000 generated scenarios is about 6 s of CPU; with two worker processes
    on two cores it took 3.3 s (bench/results.json before this module existed).
    """
    workers = min(os.cpu_count() or 1, 4)
    if parallel and workers > 1 and len(paths) >= PARALLEL_THRESHOLD:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        # 'spawn', never fork: the app calls this from a thread of a Qt process,
        # and a forked child of a threaded process may inherit a held lock.
        ctx = multiprocessing.get_context("spawn")
        done = 0
        try:
            with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
                # About eight chunks per worker: few round trips, and a slow
                # file near the end cannot leave one worker idle for long.
                chunk = max(1, len(paths) // (workers * 8))
                for blob in pool.map(_check_for_pool, paths, [with_lint] * len(paths),
                                     chunksize=chunk):
                    done += 1
                    yield pickle.loads(blob)
            return
        except (OSError, BrokenProcessPool, RuntimeError):
            # No processes to be had (sandbox, resource limits): carry on in this one.
            paths = paths[done:]
    for path in paths:
        yield core_library.check_file(path, with_lint=with_lint)


def _check_for_pool(path: Path, with_lint: bool) -> bytes:
    # Runs in a worker. The result travels back pickled with this module's own
    # table, since the default pickler cannot store the model's mappings.
    loaded = core_library.check_file(path, with_lint=with_lint)
    try:
        return dumps(loaded)
    except Exception as exc:  # a result that cannot travel must not break the pool
        return dumps(core_library.failed(path, exc))


def load_library(
    folders: Sequence[Path],
    *,
    builtin: Sequence[Path] = (),
    cache_dir: Path | None = None,
    with_lint: bool = False,
    progress: Callable[[int, int], None] | None = None,
    parallel: bool = True,
) -> Library:
    """Load every scenario under ``builtin`` and ``folders``, as the app and ``validate`` do.

    Files that fail are kept with their diagnostics; a second file with an
    already-used scenario id is refused (PS024). ``progress(done, total)`` is
    called as files are read. The content lint (language and teaching checks,
    for authors) runs only with ``with_lint=True``: the app does not need it
    to play a scenario, and it costs more than the validation itself. Files
    not in the cache are validated in worker processes when there are many.
    """
    cache = _Cache(cache_dir, with_lint=with_lint)
    items = core_library.library_items(folders, builtin)
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
    cache.save({str(p) for p, _ in items})
    return core_library.assemble(items, [found[i] for i in range(total)])
