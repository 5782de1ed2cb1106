"""Validating one file: read its bytes, compose the YAML, walk it, and never raise on bad input."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

import yaml

from peerscenarios.core import safeyaml
from peerscenarios.core.diagnostics import Diagnostic, Severity
from peerscenarios.core.validate import codes
from peerscenarios.core.validate.common import ValidationResult
from peerscenarios.core.validate.fast import fast_scenario
from peerscenarios.core.validate.scenario import walk_scenario
from peerscenarios.core.validate.walker import Walker, pos


def validate_bytes(data: bytes, path: str, *, spans: bool = True) -> ValidationResult:
    """Validate one scenario file's bytes; never raises on bad input.

    ``spans=False`` says the caller will not lint, so the text spans (with
    their positions) are not needed: a clean file then takes the fast path,
    with the same scenario as a result.
    """
    text = safeyaml.decode(data)
    if isinstance(text, safeyaml.ReadProblem):
        return _read_failure(path, text)
    if not spans:
        fast = fast_scenario(data, text, path)
        if fast is not None:
            return ValidationResult(path, fast[0], [], [], fast[0].id, fast[1])
    composed = safeyaml.compose(text)
    if isinstance(composed, safeyaml.ReadProblem):
        return _read_failure(path, composed)
    w = Walker(path)
    if composed is None:
        w.report(None, "the file is empty", codes.MISSING_FIELD)
        return ValidationResult(path, None, w.diags)
    try:
        scenario = walk_scenario(w, composed, data)
    except RecursionError:  # pragma: no cover - depth is bounded before this
        w.report(None, "nesting too deep", codes.TOO_DEEP)
        scenario = None
    # Some checks (the graph phase) can only report, not stop the build: any error wins.
    if any(d.severity is Severity.ERROR for d in w.diags):
        scenario = None
    result = ValidationResult(path, scenario, w.diags, w.spans, w.scenario_id)
    # Where the id is written, for diagnostics about the whole file (the lint uses it).
    if isinstance(composed, yaml.MappingNode):
        for k, _v in composed.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "id":
                result.id_mark = pos(k)
    return result


def _read_failure(path: str, problem: safeyaml.ReadProblem) -> ValidationResult:
    diag = Diagnostic(path, problem.line, problem.col, Severity.ERROR, problem.message,
                      problem.code)
    return ValidationResult(path, None, [diag])


def validate_file(path: str, *, read: Callable[[str], bytes] | None = None,
                  spans: bool = True) -> ValidationResult:
    """Read and validate one file. I/O problems become a diagnostic, never an exception."""
    try:
        data = read(path) if read is not None else _read(path)
    except _RefusedError as refused:
        return ValidationResult(path, None, [refused.diagnostic(path)])
    except OSError as exc:
        diag = Diagnostic(path, 1, 1, Severity.ERROR,
                          f"the file could not be read: {exc.strerror or exc}", codes.UNREADABLE)
        return ValidationResult(path, None, [diag])
    return validate_bytes(data, path, spans=spans)


class _RefusedError(Exception):
    """A file not read at all, and why."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code

    def diagnostic(self, path: str) -> Diagnostic:
        return Diagnostic(path, 1, 1, Severity.ERROR, self.message, self.code)


def _read(path: str) -> bytes:
    """The file's bytes, refusing pipes, devices and sockets before opening them."""
    # A FIFO named *.yaml would block open() until some program writes to it, and a
    # device could be endless or have side effects: check what the path is first.
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise _RefusedError(_NOT_A_FILE, codes.UNREADABLE)
    # O_NONBLOCK: if the path was swapped for a FIFO since the check, open() must not
    # hang; fstat below then refuses it.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _RefusedError(_NOT_A_FILE, codes.UNREADABLE)
        # Never read more than the cap: a huge file is refused by its size.
        data = fh.read(safeyaml.MAX_FILE_BYTES + 1)
        if len(data) > safeyaml.MAX_FILE_BYTES:
            raise _RefusedError(f"the file is {st.st_size // 1024} KiB; scenario files are limited "
                           f"to {safeyaml.MAX_FILE_BYTES // 1024} KiB", codes.TOO_LARGE)
    return data


_NOT_A_FILE = ("this is not an ordinary file (it is a pipe, a device or a socket), so it was "
               "not opened; scenario files are plain text files")
