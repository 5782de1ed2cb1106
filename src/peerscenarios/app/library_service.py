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
import logging
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

# The validator's fast path (and with it the YAML reader) is imported only where a file
# is checked or a scenario opened: a warm start reads the cache and needs neither,
# and importing them cost about 25 ms before the first paint.

__all__ = ["CACHE_VERSION", "PARALLEL_THRESHOLD", "LazyNodes", "Library", "LoadedFile", "dumps",
           "load_library"]

log = logging.getLogger(__name__)

# Bump whenever the model or the checks change, so stale cache entries are ignored.
CACHE_VERSION = 5

# Below this many files needing validation, starting a helper process costs more
# than it saves (a spawned helper needs about 0.15 s to start and import the checks).
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


# Marks a blob that holds a clean file's plain values rather than node objects.
_PLAIN = "plain-nodes-1"

_SCENARIO_FIELDS = tuple(f.name for f in dataclasses.fields(Scenario) if f.name != "nodes")


def _make_scenario(values: tuple[Any, ...], blob: bytes,
                   decisions: int | None = None) -> Scenario:
    # ``decisions`` is absent from caches written before it was stored: then the count
    # is taken from the nodes when first asked for.
    return Scenario(**dict(zip(_SCENARIO_FIELDS, values, strict=True)),
                    nodes=LazyNodes(blob, decisions))


def _reduce_scenario(s: Scenario) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    from peerscenarios.core.validate.fast import PlainNodes

    nodes = s.nodes
    if isinstance(nodes, LazyNodes):
        blob = nodes.blob()
    elif isinstance(nodes, PlainNodes):
        # A clean file's nodes travel as the values they were read from: pickling
        # those cost 0.06 ms per generated scenario, against 0.5 ms for the nodes.
        blob = pickle.dumps((_PLAIN, nodes.plain), protocol=pickle.HIGHEST_PROTOCOL)
    else:
        blob = dumps(dict(nodes))
    # The decision count travels beside the blob: the Library's details pane shows it for
    # the first row, and unpacking that scenario's nodes (and importing the YAML reader
    # they are rebuilt with) cost about 30 ms before the first paint.
    return (_make_scenario,
            (tuple(getattr(s, name) for name in _SCENARIO_FIELDS), blob, s.decision_count))


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
    start that built every node object cost 0.85 to 1.0 s of CPU, against
    0.06 to 0.08 s with the nodes left as one bytes blob per scenario until
    it is opened (about half a millisecond then).
    """

    __slots__ = ("_blob", "_data", "_decisions")

    def __init__(self, blob: bytes, decisions: int | None = None) -> None:
        self._blob = blob
        self._data: dict[str, Node] | None = None
        self._decisions = decisions

    @property
    def decision_count(self) -> int | None:
        """How many nodes have choices, if the cache stored it (None: count the nodes)."""
        return self._decisions

    def _nodes(self) -> dict[str, Node]:
        if self._data is None:
            data = pickle.loads(self._blob)
            if isinstance(data, tuple) and len(data) == 2 and data[0] == _PLAIN:
                from peerscenarios.core.validate.fast import nodes_from_plain

                data = nodes_from_plain(data[1])
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
        return (LazyNodes, (self.blob(), self._decisions))


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
        # Unpickling can run code named in the file: the cache lives only in the app's own
        # 0700 data folder, which no one but this user (who could run code anyway) can write.
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
        hit: object = self.entries.get(str(path))
        if not (isinstance(hit, tuple) and len(hit) == 3 and isinstance(hit[2], LoadedFile)):
            return None
        size, mtime, loaded = hit
        if size != st.st_size or mtime != st.st_mtime_ns or not isinstance(loaded, LoadedFile):
            return None
        # A damaged pickle can hold anything under the right class name: check the fields too.
        diagnostics: object = loaded.diagnostics
        scenario: object = loaded.scenario
        if not (isinstance(diagnostics, tuple)
                and (scenario is None or isinstance(scenario, Scenario))):
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
                # Straight to the file: the cache of a big library is tens of megabytes.
                _Pickler(fh, protocol=pickle.HIGHEST_PROTOCOL).dump(self.entries)
            os.replace(tmp, self.file)
        except OSError:
            # Caching is an optimisation; a read-only or full disk must not stop the app.
            pass


# -- checking many files ------------------------------------------------------------


def _check_many(paths: list[Path], with_lint: bool, parallel: bool,
                ) -> Iterator[tuple[int, LoadedFile]]:
    """Validate files, yielding (index, result) as each is ready (not in order).

    Why processes: reading YAML and checking it is Python code holding the
    GIL, so threads would only take turns. Checking the 1,000 generated
    scenarios of bench/bench_library.py is about 2.5 s of CPU on the fast
    path (over 6 s before it), so two cores halve the wall time. The caller
    works too, from the front of the list, while helpers take chunks from the
    back: no core idles while a helper starts (about 0.15 s each), which the
    first version (two helpers, the caller waiting) did.
    """
    helpers = min(os.cpu_count() or 1, 4) - 1
    done: set[int] = set()
    if parallel and helpers > 0 and len(paths) >= PARALLEL_THRESHOLD:
        from concurrent.futures.process import BrokenProcessPool

        try:
            for i, loaded in _check_shared(paths, with_lint, helpers):
                done.add(i)
                yield i, loaded
            return
        except (OSError, BrokenProcessPool, RuntimeError) as exc:
            # No processes to be had (sandbox, limits): finish in this one. Said out
            # loud (the log; stderr on the command line): a built app whose workers
            # cannot start (no freeze support) would otherwise just be slower.
            log.warning("worker processes unavailable (%s: %s); validating in this process",
                        type(exc).__name__, exc)
    for i, path in enumerate(paths):
        if i not in done:
            yield i, _compact(core_library.check_file(path, with_lint=with_lint))


def _check_shared(paths: list[Path], with_lint: bool, helpers: int,
                  ) -> Iterator[tuple[int, LoadedFile]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    # 'spawn', never fork: the app calls this from a thread of a Qt process,
    # and a forked child of a threaded process may inherit a held lock.
    ctx = multiprocessing.get_context("spawn")
    chunk = max(4, len(paths) // (16 * (helpers + 1)))
    lo, hi = 0, len(paths)
    pending: dict[Future[list[bytes]], int] = {}
    with ProcessPoolExecutor(helpers, mp_context=ctx) as pool:
        while lo < hi or pending:
            while lo < hi and len(pending) < 2 * helpers:
                # Chunks shrink as the two ends close in, so that when they meet the
                # caller waits for a few files, not for two full chunks.
                size = max(2, min(chunk, (hi - lo) // (4 * (helpers + 1))))
                start = max(lo, hi - size)
                pending[pool.submit(_check_chunk, paths[start:hi], with_lint)] = start
                hi = start
            for future in [f for f in pending if f.done()]:
                start = pending.pop(future)
                for k, blob in enumerate(future.result()):
                    yield start + k, pickle.loads(blob)
            if lo < hi:
                yield lo, _compact(core_library.check_file(paths[lo], with_lint=with_lint))
                lo += 1
            elif pending:
                wait(pending, return_when=FIRST_COMPLETED)


def _compact(loaded: LoadedFile) -> LoadedFile:
    """The result as a helper would have sent it: its nodes kept pickled until opened.

    Cold and warm loads then hold the same thing, and a library of a thousand
    scenarios does not keep every node object alive in memory.
    """
    scenario = loaded.scenario
    if scenario is None:
        return loaded
    from peerscenarios.core.validate.fast import PlainNodes

    if isinstance(scenario.nodes, PlainNodes):
        # A clean file (most are): pack its plain values as the pickler would, without
        # the round trip through pickle for the rest (a tenth of a millisecond a file).
        blob = pickle.dumps((_PLAIN, scenario.nodes.plain), protocol=pickle.HIGHEST_PROTOCOL)
        nodes = LazyNodes(blob, scenario.decision_count)
        return dataclasses.replace(loaded, scenario=dataclasses.replace(scenario, nodes=nodes))
    result = pickle.loads(dumps(loaded))
    assert isinstance(result, LoadedFile)
    return result


def _check_chunk(paths: list[Path], with_lint: bool) -> list[bytes]:
    # Runs in a helper process. Results travel back pickled with this module's own
    # table, since the default pickler cannot store the model's mappings.
    out = []
    for path in paths:
        loaded = core_library.check_file(path, with_lint=with_lint)
        try:
            out.append(dumps(loaded))
        except Exception as exc:  # a result that cannot travel must not break the pool
            out.append(dumps(core_library.failed(path, exc)))
    return out


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
    for k, loaded in _check_many([p for _, p, _ in todo], with_lint, parallel):
        i, path, st = todo[k]
        found[i] = loaded
        if st is not None:
            cache.put(path, st, loaded)
        done += 1
        if progress is not None:
            progress(done, total)
    cache.save({str(p) for p, _ in items})
    return core_library.assemble(items, [found[i] for i in range(total)])
