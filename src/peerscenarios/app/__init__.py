"""Use cases between the screens and the core: Qt-free and SQLAlchemy-free."""
