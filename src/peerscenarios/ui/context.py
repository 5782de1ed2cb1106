"""The app's shared state, built once in the entry point and passed to each screen."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from peerscenarios import paths
from peerscenarios.core.library import Library
from peerscenarios.ui.settings import Settings
from peerscenarios.ui.tasks import TaskManager
from peerscenarios.ui.theme import LIGHT, Colours

if TYPE_CHECKING:
    from peerscenarios.storage import Change, ProfileRecord, Storage

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LibrarySources:
    """Where scenarios are read from: built-in folders and the user's own folder."""

    builtin: Sequence[Path] = field(default_factory=lambda: (paths.builtin_scenarios_dir(),))
    user: Sequence[Path] = field(default_factory=lambda: (paths.user_scenarios_dir(),))
    cache: Path | None = field(default_factory=paths.cache_dir)

    def load(self, progress: Callable[[int, int], None] | None = None) -> Library:
        """Load every scenario (runs on the worker thread)."""
        # Imported here, on the worker thread: the loader (YAML, the validator's fast
        # path) costs about 25 ms to import, which the first paint need not wait for.
        from peerscenarios.app.library_service import load_library

        return load_library(list(self.user), builtin=list(self.builtin), cache_dir=self.cache,
                            progress=progress)


class AppContext(QObject):
    """Storage, settings, the current profile and the loaded library, with change signals.

    The app builds it without storage so that the window paints before
    SQLAlchemy is even imported; ``attach_storage`` follows right after.

    Storage tells its listeners what each write changed; ``storage_changed``
    relays that as a Qt signal, queued onto the main thread if the write
    happened on the worker, so each screen refreshes only what changed.
    """

    storage_opened = Signal(object)  # peerscenarios.storage.Storage
    storage_changed = Signal(object)  # peerscenarios.storage.Change
    profile_changed = Signal(object)  # ProfileRecord
    library_changed = Signal(object)  # Library
    library_progress = Signal(int, int)
    library_load_started = Signal()
    text_size_changed = Signal(int)

    def __init__(self, storage: Storage | None, settings: Settings, *,
                 sources: LibrarySources | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.sources = sources or LibrarySources()
        self.tasks = TaskManager(self)
        self.library = Library()
        self.profile: ProfileRecord | None = None
        # The colours in use, for the few places that draw or tint by hand.
        self.colours: Colours = LIGHT
        self._storage: Storage | None = None
        self._remove_listener: Callable[[], None] | None = None
        if storage is not None:
            self.attach_storage(storage)

    @property
    def storage(self) -> Storage:
        """The open database (the app opens it just after the window's first paint)."""
        if self._storage is None:
            raise RuntimeError("storage is not open yet")
        return self._storage

    @property
    def has_storage(self) -> bool:
        """True once the database is open."""
        return self._storage is not None

    def attach_storage(self, storage: Storage) -> None:
        """Use ``storage`` from now on; ``storage_opened`` tells the screens."""
        if self._storage is not None:
            raise RuntimeError("storage is already open")
        self._storage = storage
        self._remove_listener = storage.add_listener(self._on_storage_change)
        self.storage_opened.emit(storage)

    def _on_storage_change(self, change: Change) -> None:
        # Called on whichever thread wrote; a signal crosses threads safely.
        self.storage_changed.emit(change)

    @property
    def profile_id(self) -> int:
        """The current profile's id (the app always has one once started)."""
        if self.profile is None:
            raise RuntimeError("no profile selected yet")
        return self.profile.id

    def set_profile(self, profile: ProfileRecord) -> None:
        """Make ``profile`` current and remember it for the next start."""
        self.profile = profile
        self.settings.profile_id = profile.id
        self.profile_changed.emit(profile)

    def reload_library(self) -> None:
        """Load the library on the worker thread; ``library_changed`` fires when done."""
        self.library_load_started.emit()
        self.tasks.run(self.sources.load, self._on_library_loaded, self._on_library_failed,
                       self.library_progress.emit)

    def _on_library_loaded(self, library: object) -> None:
        assert isinstance(library, Library)
        self.library = library
        log.info("library loaded: %d scenarios, %d problem files",
                 len(library.scenarios), len(library.problems))
        self.library_changed.emit(library)

    def _on_library_failed(self, exc: BaseException) -> None:
        # The loader reports bad files as diagnostics; reaching here is a bug.
        self.library_changed.emit(self.library)
        raise exc

    def close(self) -> None:
        """Stop listening to storage and wait for background work."""
        if self._remove_listener is not None:
            self._remove_listener()
            self._remove_listener = None
        self.tasks.wait(5000)
