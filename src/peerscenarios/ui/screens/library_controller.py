"""Keeps the Library's table and problem list in step with the library and the profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from peerscenarios.core.library import Library
from peerscenarios.ui.context import AppContext
from peerscenarios.ui.models.library import ProblemFilesModel, ScenarioTableModel

if TYPE_CHECKING:
    from peerscenarios.storage import Change


class LibraryController:
    """Keeps the scenario model in step with the loaded library and the profile's results."""

    def __init__(self, ctx: AppContext, model: ScenarioTableModel,
                 problems: ProblemFilesModel) -> None:
        self.ctx = ctx
        self.model = model
        self.problems = problems

    def library_loaded(self, library: Library) -> None:
        """Fill both models from a freshly loaded library."""
        self.model.set_scenarios(library.scenarios)
        self.problems.set_problems(library.problems)
        self.refresh_results()

    def refresh_results(self) -> None:
        """Re-read the current profile's last results (only changed rows repaint)."""
        if self.ctx.profile is None:
            self.model.set_results({})
            return
        self.model.set_results(self.ctx.storage.last_results(self.ctx.profile.id))

    def storage_changed(self, change: Change) -> None:
        """A new, finished or abandoned attempt changes a status cell; nothing else does."""
        from peerscenarios.storage import ChangeKind  # loaded by now: a change came from it

        if change.kind is ChangeKind.ATTEMPTS and self.ctx.profile is not None \
                and change.profile_id == self.ctx.profile.id:
            self.refresh_results()
