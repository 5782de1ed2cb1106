"""A private, throwaway PostgreSQL cluster for the course tests and benchmark.

It finds ``initdb``/``pg_ctl`` in Debian's /usr/lib/postgresql/*/bin (or on
PATH), makes a cluster in a fresh temporary folder, listens on a unix socket
in that folder and on a free 127.0.0.1 port, and is removed afterwards.
PostgreSQL refuses to run as root, so when we are root every server command
runs as the ``postgres`` user and the folder is handed to it.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

NO_POSTGRES_ENV = "PEERSCENARIOS_NO_POSTGRES"


class PostgresMissingError(RuntimeError):
    """initdb/pg_ctl could not be found."""


def find_bindir() -> Path:
    """The folder with initdb and pg_ctl (the newest Debian version, else PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise PostgresMissingError(
        "PostgreSQL is not installed, so the course-server tests cannot run. "
        "Install it (Debian/Ubuntu: apt-get install -y postgresql), or set "
        f"{NO_POSTGRES_ENV}=1 to skip these tests on a developer machine.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running private cluster; ``url(...)`` builds admin URLs for it."""

    base: Path
    port: int
    password: str
    bindir: Path
    as_postgres: bool
    tls: bool = False
    ca_file: Path | None = None
    extra_conf: list[str] = field(default_factory=list)

    @property
    def data(self) -> Path:
        """The data folder."""
        return self.base / "data"

    @property
    def socket_dir(self) -> str:
        """The unix-socket folder."""
        return str(self.base)

    def _cmd(self, *args: str) -> list[str]:
        return (["runuser", "-u", "postgres", "--"] if self.as_postgres else []) + list(args)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a server program (as postgres when we are root); raise with its output."""
        proc = subprocess.run(self._cmd(*args), capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def url(self, database: str = "postgres", *, tcp: bool = False) -> str:
        """The superuser's URL, over the socket (no TLS) or TCP (verify-full with the CA)."""
        auth = f"postgres:{quote(self.password, safe='')}"
        if tcp:
            query = f"sslrootcert={self.ca_file}" if self.ca_file else ""
            return f"postgresql://{auth}@localhost:{self.port}/{database}?{query}"
        return (f"postgresql://{auth}@/{database}?host={quote(self.socket_dir, safe='')}"
                f"&port={self.port}&sslmode=disable")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                 str(self.base / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                         "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's log (for a failing test's message)."""
        try:
            return "\n".join((self.base / "server.log").read_text().splitlines()[-lines:])
        except OSError:
            return ""


def _make_certs(base: Path) -> Path:
    """A CA and a server certificate for localhost/127.0.0.1 signed by it; returns the CA."""
    def ssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=base)

    ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
        "/CN=PeerScenarios test CA", "-keyout", "ca.key", "-out", "ca.pem")
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", "server.key", "-out", "server.csr")
    (base / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    ssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt")
    (base / "server.key").chmod(0o600)
    return base / "ca.pem"


def start_cluster(*, tls: bool = False, max_connections: int = 100,
                  extra_conf: tuple[str, ...] = ()) -> Cluster:
    """Make and start a new private cluster (the caller must ``stop()`` it)."""
    bindir = find_bindir()
    as_postgres = os.geteuid() == 0
    # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="ps-pg-"))
    password = secrets.token_urlsafe(16)
    cluster = Cluster(base=base, port=_free_port(), password=password, bindir=bindir,
                      as_postgres=as_postgres, tls=tls)
    try:
        pwfile = base / "pw"
        pwfile.write_text(password + "\n")
        conf = [
            "listen_addresses = '127.0.0.1'", f"port = {cluster.port}",
            f"unix_socket_directories = '{base}'", f"max_connections = {max_connections}",
            # A throwaway cluster: durability is not needed, speed is.
            "fsync = off", "synchronous_commit = off", "full_page_writes = off",
            "shared_buffers = 32MB", "log_min_messages = warning",
            *extra_conf,
        ]
        if tls:
            cluster.ca_file = _make_certs(base)
            conf += ["ssl = on", f"ssl_cert_file = '{base}/server.crt'",
                     f"ssl_key_file = '{base}/server.key'"]
        if as_postgres:
            shutil.chown(base, "postgres", "postgres")
            for f in base.iterdir():
                shutil.chown(f, "postgres", "postgres")
        # The CA file is read by the client (us): keep it readable to everyone.
        base.chmod(0o755)
        cluster.run(str(bindir / "initdb"), "-D", str(cluster.data), "-U", "postgres",
                    "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8",
                    "--locale=C", "--no-sync")
        pwfile.unlink()
        hba = "local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n"
        if as_postgres:
            cluster.run("sh", "-c", f"cat >> '{cluster.data}/postgresql.conf' <<'EOF'\n"
                        + "\n".join(conf) + "\nEOF")
            cluster.run("sh", "-c", f"cat > '{cluster.data}/pg_hba.conf' <<'EOF'\n{hba}EOF")
        else:
            with (cluster.data / "postgresql.conf").open("a") as fh:
                fh.write("\n".join(conf) + "\n")
            (cluster.data / "pg_hba.conf").write_text(hba)
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
