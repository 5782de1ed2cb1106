"""The offline route: a submission file (``.psportfolio``) a facilitator imports.

The file holds exactly the payload that would go to the server, so the
facilitator's "Import submission…" shows the same content and preview. It is
written atomically and readable only by its owner (0600), like every export.
Reading checks the size, the JSON and every field before anything is shown.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from peerscenarios.course.errors import BundleError
from peerscenarios.course.payload import PayloadInvalid
from peerscenarios.course.snapshot import Snapshot
from peerscenarios.export.atomic import write_bytes
from peerscenarios.export.errors import ExportError

SUFFIX = ".psportfolio"
BUNDLE_FORMAT = "peerscenarios.submission-file"
BUNDLE_VERSION = 1
# Well above any real portfolio (a few MB), far below what would hurt to read.
MAX_BUNDLE_BYTES = 25 * 1024 * 1024


def bundle_bytes(snapshot: Snapshot, *, now: datetime | None = None) -> bytes:
    """The file's content for ``snapshot``: UTF-8 JSON."""
    doc: dict[str, Any] = {
        "format": BUNDLE_FORMAT, "version": BUNDLE_VERSION,
        "written_at": (now or datetime.now()).astimezone().isoformat(),
        "submission": dict(snapshot.payload),
    }
    # Indented, with real characters rather than \u escapes: anyone can open the file in a
    # text editor and see what it holds.
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def write_bundle(path: Path, snapshot: Snapshot) -> Path:
    """Write ``snapshot`` to ``path`` (0600, all at once); returns the absolute path.

    Raises BundleError with a plain message if the file cannot be written.
    """
    try:
        return write_bytes(Path(path), bundle_bytes(snapshot))
    except ExportError as exc:
        raise BundleError(exc.message, exc.hint) from exc


def _bad(path: Path, why: str) -> BundleError:
    return BundleError(f"“{path}” is not a PeerScenarios submission file we can open: {why}.",
                       "Ask the trainee to save it again with "
                       "“Submit portfolio to my course…” → “Save as a file…”.")


def read_bundle(path: Path) -> Snapshot:
    """The snapshot in the submission file at ``path``; BundleError naming the file if not."""
    path = Path(path)
    # Size before content: a huge file is refused without being read into memory.
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise _bad(path, "it is not a file")
        if size > MAX_BUNDLE_BYTES:
            raise _bad(path, f"it is too big ({size // (1024 * 1024)} MB; a submission "
                             f"is at most {MAX_BUNDLE_BYTES // (1024 * 1024)} MB)")
        with path.open("rb") as fh:
            # Read one byte past the cap, in case the file grew since stat().
            raw = fh.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError as exc:
        raise BundleError(f"“{path}” does not exist.", "Choose the file again.") from exc
    except PermissionError as exc:
        raise BundleError(f"PeerScenarios is not allowed to read “{path}”.",
                          "Copy it somewhere you can read, or ask the sender again.") from exc
    except OSError as exc:
        raise BundleError(f"“{path}” could not be read ({exc.strerror or exc}).",
                          "Choose the file again.") from exc
    if len(raw) > MAX_BUNDLE_BYTES:
        raise _bad(path, "it is too big")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, "it is damaged or is another kind of file") from exc
    if not isinstance(doc, dict) or doc.get("format") != BUNDLE_FORMAT:
        raise _bad(path, "it is another kind of file")
    version = doc.get("version")
    # JSON true is a bool, and a bool is an int in Python: it must not pass as version 1.
    if not isinstance(version, int) or isinstance(version, bool):
        raise _bad(path, "it has no version")
    if version > BUNDLE_VERSION:
        raise BundleError(f"“{path}” was written by a newer version of PeerScenarios.",
                          "Update PeerScenarios to open it.")
    try:
        return Snapshot.from_payload(doc.get("submission"))
    except PayloadInvalid as exc:
        raise _bad(path, f"part of it is damaged ({exc})") from exc
