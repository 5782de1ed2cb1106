"""Course-server fixtures: a private PostgreSQL cluster per test run, a fresh course per test.

The cluster is real (Debian's postgresql package; see pgcluster.py). Without
PostgreSQL these tests FAIL with a message saying what to install; a
developer may set PEERSCENARIOS_NO_POSTGRES=1 to skip them instead, and the
skip says so loudly.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest

from peerscenarios import paths
from peerscenarios.app.views import build_portfolio
from peerscenarios.core.library import Library, load_library
from peerscenarios.core.reporting import Portfolio
from peerscenarios.storage import Storage

from .pgcluster import NO_POSTGRES_ENV, Cluster, PostgresMissingError, start_cluster


def _need_postgres() -> None:
    if os.environ.get(NO_POSTGRES_ENV) == "1":
        pytest.skip(f"SKIPPED ON PURPOSE: {NO_POSTGRES_ENV}=1 is set, so the course-server "
                    "tests did not run against PostgreSQL")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("psycopg is not installed, so the course-server tests cannot run: "
                    "python3 -m pip install '.[test]' (it brings peerscenarios[server])",
                    pytrace=False)


def _start(**kwargs: object) -> Cluster:
    _need_postgres()
    try:
        return start_cluster(**kwargs)  # type: ignore[arg-type]
    except PostgresMissingError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """One private cluster (unix socket + 127.0.0.1, no TLS) for the whole run."""
    cluster = _start(max_connections=60)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def tls_cluster() -> Iterator[Cluster]:
    """A second private cluster with TLS on, its certificate signed by a throwaway CA."""
    cluster = _start(tls=True, max_connections=20)
    yield cluster
    cluster.stop()


@dataclass
class Course:
    """A freshly initialised course database on the test cluster, and its people."""

    cluster: Cluster
    database: str
    suffix: str = field(default_factory=lambda: secrets.token_hex(3))

    @property
    def url(self) -> str:
        """The superuser's URL for this course database (socket, no TLS)."""
        return self.cluster.url(self.database)

    def name(self, short: str) -> str:
        """A login name unique to this test (roles are shared by the whole cluster)."""
        return f"{short}_{self.suffix}"

    @staticmethod
    def password(name: str) -> str:
        """The password this fixture gives ``name``."""
        return f"pw-{name}-0123"

    def add(self, short: str, group: str) -> str:
        """Create a person (group "trainee" or "facilitator"); returns the login name."""
        from peerscenarios.course import admin

        name = self.name(short)
        admin.add_person(self.url, name, f"ps_{group}", self.password(name))
        return name

    def settings(self, user: str) -> object:
        """Connection settings for ``user`` over the cluster's unix socket."""
        from peerscenarios.course.settings import CourseSettings

        return CourseSettings(host=self.cluster.socket_dir, port=self.cluster.port,
                              database=self.database, user=user, sslmode="disable")

    def connect(self, user: str) -> object:
        """A signed-in CourseClient for ``user``."""
        from peerscenarios.course.client import connect

        return connect(self.settings(user), self.password(user))  # type: ignore[arg-type]


@pytest.fixture
def course(pg_cluster: Cluster) -> Course:
    """A new course database with the schema at head (init run once)."""
    from peerscenarios.course import admin

    c = Course(cluster=pg_cluster, database=f"course_{secrets.token_hex(4)}")
    admin.init_server(c.url)
    return c


@pytest.fixture(scope="session")
def library() -> Library:
    """The built-in scenarios (no cache, no lint)."""
    return load_library([], builtin=[paths.builtin_scenarios_dir()], with_lint=False)


@pytest.fixture
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@dataclass
class Laptop:
    """A trainee's local database with some history, and the library it was played from."""

    storage: Storage
    library: Library
    profile_id: int

    def build(self, since: date | None, until: date | None) -> Portfolio:
        """The portfolio the export would make for these dates."""
        return build_portfolio(self.storage, self.library, self.profile_id, since=since,
                               until=until)


@pytest.fixture
def laptop(library: Library, _utc: None) -> Iterator[Laptop]:
    """Two finished attempts in March 2026 with reflections (two per attempt at most)."""
    from export._helpers import FakeClock, first_prompts, play

    clock = FakeClock()
    store = Storage.open(clock=clock, backup=False)
    try:
        profile = store.create_profile("Ana")
        scenarios = sorted(library.scenarios, key=lambda s: s.id)[:2]
        for i, sc in enumerate(scenarios):
            prompts = first_prompts(sc)
            play(store, sc, profile.id, clock=clock,
                 reflections={pid: f"Private thought {i}-{pid}" for pid in prompts[:2]})
            clock.advance(days=1)
        yield Laptop(store, library, profile.id)
    finally:
        store.close()


@pytest.fixture
def portfolio(laptop: Laptop) -> Portfolio:
    """The laptop's portfolio for March 2026, built by the export code."""
    return laptop.build(date(2026, 3, 1), date(2026, 3, 31))
