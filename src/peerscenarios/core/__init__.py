"""Pure-Python domain core: scenario model, loader, validator and playthrough engine.

Nothing here imports Qt or SQLAlchemy (enforced by import-linter in CI).
"""
