"""The optional course server: trainees submit portfolios, facilitators upload sessions (no Qt).

Everything here works on plain data. The PostgreSQL driver (psycopg) and
``keyring`` come with the ``peerscenarios[server]`` extra and are imported only
when a server is actually used, so the app runs without them.
"""
