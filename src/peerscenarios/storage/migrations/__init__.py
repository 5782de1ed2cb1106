"""Alembic migrations for the PeerScenarios database, run programmatically at start-up."""
