"""The stage that the audience sees (and the presenter sees small): widget, pages, blocks, fit."""

from peerscenarios.ui.present.stage.fit import type_ladder
from peerscenarios.ui.present.stage.widget import StageWidget

__all__ = ["StageWidget", "type_ladder"]
