"""A PostgreSQL cluster of its own for the reference legacy POS, so that the
benchmark can stop and start the source without touching Odoo's database."""

import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import psycopg2


def pg_bin():
    """The folder of the PostgreSQL server binaries (as setup/lib.sh finds them)."""
    candidates = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found")
    return pathlib.Path(found).parent


def _as_pg(command):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class LegacyPgCluster:
    """initdb in a temporary folder, listening on 127.0.0.1:``port`` only."""

    def __init__(self, port, database="legacy_pos"):
        self.port, self.database = port, database
        self.bin = pg_bin()
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix="legacy-pos-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"

    @property
    def dsn(self):
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{self.database}"

    def _chown(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            os.chmod(self.folder, 0o700)

    def init(self):
        self._chown()
        subprocess.run(
            _as_pg(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with (self.data / "postgresql.conf").open("a") as handle:
            handle.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                "unix_socket_directories = ''\nfsync = off\n"
                "shared_buffers = 32MB\n"
            )
        self.start()
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres"
        )
        connection.autocommit = True
        connection.cursor().execute(f"CREATE DATABASE {self.database}")
        connection.close()
        return self

    def start(self):
        subprocess.run(
            _as_pg(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return self

    def stop(self, mode="fast"):
        subprocess.run(
            _as_pg(
                [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop"]
            ),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def destroy(self):
        self.stop("immediate")
        time.sleep(0.2)
        shutil.rmtree(self.folder, ignore_errors=True)
