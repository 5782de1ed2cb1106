"""Scenario validation, in phases: read YAML, check shapes, check the story graph.

``peerscenarios.core.validator`` is the public front; the modules here are
its parts. This package's ``__init__`` stays empty on purpose: ``codes`` is
imported by the diagnostics module on the app's start-up path, which must not
pull in the YAML reader.
"""
