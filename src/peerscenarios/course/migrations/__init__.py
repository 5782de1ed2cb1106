"""Alembic history of the course server's schema (branch ``course``), apart from the local one."""
