"""Alembic revision scripts, one per schema version (oldest first by revision chain)."""
