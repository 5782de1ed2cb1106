"""A library of scenarios: what each file gave, and how files become one Library.

This module is pure: it checks files and assembles the result. Where the
files' results are cached and how many processes check them is the app's
policy (``peerscenarios.app.library_service``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from peerscenarios.core.diagnostics import Diagnostic, Severity
from peerscenarios.core.model import Scenario
from peerscenarios.core.validate import codes

SCENARIO_SUFFIXES = (".yaml", ".yml")

log = logging.getLogger(__name__)
# Where nothing configured logging (the command line), a checker failure is said in
# its diagnostic; without this handler Python would also print the traceback.
log.addHandler(logging.NullHandler())


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
    # Sorted, so every system loads files in one order: which of two files sharing an id
    # is refused (PS024) must not depend on how the file system lists a folder.
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*")
                              if q.suffix.lower() in SCENARIO_SUFFIXES and q.is_file()))
        else:
            out.append(p)
    return out


def check_file(path: Path, *, with_lint: bool = True) -> LoadedFile:
    """Validate (and lint) one file. Never raises: a failure of the checks is a diagnostic."""
    # Imported here: a warm start served from the cache never needs the YAML
    # reader or the checks, and the app imports this module before its first paint.
    from peerscenarios.core.validator import validate_file

    try:
        # Without the lint nothing needs the text's positions, so a clean file can be
        # read the fast way.
        result = validate_file(str(path), spans=with_lint)
        diags = list(result.diagnostics)
        if with_lint:
            from peerscenarios.core.lint import lint

            diags += lint(result)
    except Exception as exc:  # one file must never stop the whole library
        log.error("checking %s failed", path, exc_info=True)
        return failed(path, exc)
    # Errors first, then warnings, each in file order: authors fix files top down, and
    # a cause (an error) should come before the warnings it leads to.
    diags.sort(key=lambda d: (d.severity is not Severity.ERROR, d.line, d.col))
    return LoadedFile(str(path), result.scenario, tuple(diags))


def failed(path: Path, exc: BaseException) -> LoadedFile:
    """The result for a file whose checking raised: a located diagnostic, no scenario."""
    # Cut to 200 characters: an exception can quote a whole YAML value, and the problem
    # list needs what failed, not the file's text.
    return LoadedFile(str(path), None, (Diagnostic(
        str(path), 1, 1, Severity.ERROR,
        f"the checker failed on this file ({type(exc).__name__}: {str(exc)[:200]}); the other "
        "scenarios still load. Please report this, with the file", codes.CHECKER_FAILED),))


def assemble(items: Sequence[tuple[Path, bool]], results: Sequence[LoadedFile]) -> Library:
    """One Library from each file's result, in order; ``items`` is (path, is built-in).

    A file whose scenario id an earlier file already uses is refused (PS024):
    built-in files come first, so a user's file can never shadow a built-in.
    """
    files: list[LoadedFile] = []
    seen_ids: dict[str, str] = {}
    for (path, is_builtin), loaded in zip(items, results, strict=True):
        loaded = LoadedFile(loaded.path, loaded.scenario, loaded.diagnostics, is_builtin)
        sc = loaded.scenario
        if sc is not None:
            if sc.id in seen_ids:
                diag = Diagnostic(str(path), 1, 1, Severity.ERROR,
                                  f"scenario id '{sc.id}' is already used by {seen_ids[sc.id]}; "
                                  "give this scenario its own id", codes.DUPLICATE_SCENARIO, sc.id)
                loaded = LoadedFile(loaded.path, None, (*loaded.diagnostics, diag), is_builtin)
            else:
                seen_ids[sc.id] = str(path)
        files.append(loaded)
    scenarios = tuple(f.scenario for f in files if f.scenario is not None)
    return Library(tuple(files), scenarios)


def with_builtin_clashes(lib: Library, builtins: Library) -> Library:
    """``lib`` with a warning on each file whose scenario id a built-in scenario already uses.

    The app loads built-ins first and refuses such a file (PS024); an author
    validating a copy of a built-in should hear that before opening the app.
    """
    taken = {s.id: (f.path, s.title, s.content_hash)
             for f in builtins.files if (s := f.scenario) is not None}
    files = []
    for f in lib.files:
        hit = taken.get(f.scenario.id) if f.scenario is not None else None
        # The same bytes are the built-in itself: the source folder of an installed copy
        # (the repository's scenarios/ against site-packages), or an unchanged copy whose
        # refusal loses nothing. Only a file that differs would be silently set aside.
        if (hit is not None and f.scenario is not None and not _same_file(f.path, hit[0])
                and f.scenario.content_hash != hit[2]):
            sid = f.scenario.id
            warn = Diagnostic(f.path, 1, 1, Severity.WARNING,
                              f"scenario id '{sid}' is already used by the built-in scenario "
                              f"“{hit[1]}”, so the app will refuse this file: give it its own "
                              f"id (for example '{sid}-2')", codes.DUPLICATE_SCENARIO, sid)
            f = LoadedFile(f.path, f.scenario, (*f.diagnostics, warn), f.builtin)
        files.append(f)
    return Library(tuple(files), lib.scenarios)


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def library_items(folders: Sequence[Path], builtin: Sequence[Path] = (),
                  ) -> list[tuple[Path, bool]]:
    """Every scenario file to load, built-in ones first: (path, is built-in)."""
    return [(p, True) for p in find_files(builtin)] + [(p, False) for p in find_files(folders)]


def load_library(
    folders: Sequence[Path],
    *,
    builtin: Sequence[Path] = (),
    with_lint: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Library:
    """Load every scenario under ``builtin`` and ``folders``, in this process, with no cache.

    Files that fail are kept with their diagnostics. ``progress(done, total)``
    is called after each file. The app loads through
    ``peerscenarios.app.library_service.load_library``, which adds a cache and
    worker processes around the same steps.
    """
    items = library_items(folders, builtin)
    results = []
    for done, (path, _builtin) in enumerate(items, 1):
        results.append(check_file(path, with_lint=with_lint))
        if progress is not None:
            progress(done, len(items))
    return assemble(items, results)
