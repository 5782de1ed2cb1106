"""PeerScenarios: an offline branching-scenario trainer for peer support specialists."""

__version__ = "0.1.0"
