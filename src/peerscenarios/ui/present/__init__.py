"""Facilitator mode: run a scenario with a whole class, a presenter view and a projector view."""

from __future__ import annotations

from peerscenarios.ui.present.app import run_present, start_presentation

__all__ = ["run_present", "start_presentation"]
