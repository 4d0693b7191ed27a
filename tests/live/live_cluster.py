"""Two (or N) real Odoo nodes behind a real HAProxy, as `make cluster` runs them.

Every node is LiveOdoo's server (HTTP workers, a cron worker, the queue_job runner) on
its own ports, started under setup/process_group.py as the leader of its own process
group, with the runner's job requests sent through HAProxy's internal port. HAProxy
uses setup/haproxy.cfg.template, the file `make cluster` uses.
"""

import csv
import io
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from .live_odoo import LOCAL, ROOT, LiveOdoo, live_config, pg_connect, port_busy

# The key of the advisory lock queue_job's runners compete for (jobrunner/runner.py):
# the node whose runner holds it dispatches the jobs, the others retry every
# ERROR_RECOVERY_DELAY seconds.
RUNNER_LOCK_ID = 2293787760715711918
WRAPPER = ROOT / "setup" / "process_group.py"


def run_on_server(*statements):
    """Statements that cannot run in a transaction (CREATE/DROP DATABASE)."""
    connection = pg_connect("postgres")
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            for statement in statements:
                cr.execute(statement)
    finally:
        connection.close()


def copy_database(template, name):
    """``name``, a fresh copy of ``template`` (which nothing may be connected to)."""
    run_on_server(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
    )
    filestore = LOCAL / "filestore" / "filestore"
    shutil.rmtree(filestore / name, ignore_errors=True)
    if (filestore / template).is_dir():
        shutil.copytree(filestore / template, filestore / name)


def drop_database(name):
    run_on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(LOCAL / "filestore" / "filestore" / name, ignore_errors=True)


def group_members(pgid):
    """Living processes (pids) of process group ``pgid``."""
    members = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


def children(pid):
    try:
        text = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


class ClusterNode(LiveOdoo):
    """One node: LiveOdoo's server, in a process group of its own, its connections
    named after the node, its runner dispatching through the load balancer."""

    _config_lock = threading.Lock()

    def __init__(self, database, name, runner_port, **options):
        super().__init__(database, log_name=f"live-cluster-{name}", **options)
        self.name = name
        self.runner_port = runner_port

    def command(self):
        command = super().command()
        # Each node its own config file, written whole before its server starts (a
        # copy of one shared file was once seen empty when a node read it).
        with self._config_lock:
            path = live_config(LOCAL / f"odoo-live-{self.name}.conf")
        command[command.index("-c") + 1] = str(path)
        return [*command, "--proxy-mode"]

    def spawn(self, command, env):
        env = {
            **env,
            "ODOO_PGAPPNAME": f"odoo-{self.name}-{{pid}}",
            "ODOO_QUEUE_JOB_HOST": "127.0.0.1",
            "ODOO_QUEUE_JOB_PORT": str(self.runner_port),
        }
        return subprocess.Popen(
            [sys.executable, str(WRAPPER), "--", *command],
            stdin=subprocess.DEVNULL,
            env=env,
        )

    @property
    def pgid(self):
        """The node's process group: the wrapper leads it."""
        return self.process.pid

    def master_pid(self):
        [master] = children(self.process.pid)
        return master

    def kill_master(self):
        """kill -9 the Odoo master alone, as the OOM killer or a crash would."""
        master = self.master_pid()
        members = group_members(self.pgid)
        os.kill(master, signal.SIGKILL)
        return master, members

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left of the group (the wrapper killed, or too slow) goes.
        try:
            os.killpg(self.pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.process.poll() is None:
            self.process.wait(timeout=10)
        self.process = None


class LiveCluster:
    """``nodes`` ClusterNodes behind HAProxy. Ports: ``base_port`` is the public port,
    +1 the internal one (job requests, statistics), node n serves HTTP on
    base_port + 2n and websockets on the next port."""

    def __init__(self, database, base_port, nodes=2, workers=2, **node_options):
        self.database = database
        self.public_port = base_port
        self.internal_port = base_port + 1
        self.nodes = [
            ClusterNode(
                database,
                f"node{n}",
                self.internal_port,
                http_port=base_port + 2 * n,
                gevent_port=base_port + 2 * n + 1,
                workers=workers,
                **node_options,
            )
            for n in range(1, nodes + 1)
        ]
        # The admin and channel side, through the load balancer.
        self.balancer = LiveOdoo(database, http_port=self.public_port)
        self.config_path = LOCAL / "live-cluster-haproxy.cfg"
        self.haproxy_log = LOCAL / "log" / "live-cluster-haproxy.log"
        self.haproxy = None

    # -------------------------------------------------------------- lifecycle
    def haproxy_config(self):
        template = (ROOT / "setup" / "haproxy.cfg.template").read_text()
        http_servers = "\n".join(
            f"    server {node.name} 127.0.0.1:{node.http_port} check"
            for node in self.nodes
        )
        websocket_servers = "\n".join(
            f"    server {node.name} 127.0.0.1:{node.gevent_port} check"
            for node in self.nodes
        )
        return (
            template.replace("@PUBLIC_PORT@", str(self.public_port))
            .replace("@INTERNAL_PORT@", str(self.internal_port))
            .replace("@HTTP_SERVERS@", http_servers)
            .replace("@WEBSOCKET_SERVERS@", websocket_servers)
        )

    def start(self, timeout=180):
        for port in (self.public_port, self.internal_port):
            if port_busy(port):
                raise RuntimeError(f"port {port} is in use: stop what holds it")
        self.config_path.write_text(self.haproxy_config())
        with self.haproxy_log.open("ab") as log:
            self.haproxy = subprocess.Popen(
                [
                    sys.executable,
                    str(WRAPPER),
                    "--",
                    *("haproxy", "-db", "-f", str(self.config_path)),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        try:
            with ThreadPoolExecutor(len(self.nodes)) as pool:
                list(pool.map(lambda node: node.start(timeout=timeout), self.nodes))
            if not self.balancer.wait_until(
                lambda: set(self.server_states().values()) == {"UP"}, timeout=30
            ):
                raise RuntimeError(f"HAProxy's servers: {self.server_states()}")
            self.balancer.admin_uid = self.balancer._login()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(lambda node: node.stop(), self.nodes))
        if self.haproxy is not None:
            self.haproxy.terminate()
            try:
                self.haproxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.haproxy.pid, signal.SIGKILL)
                self.haproxy.wait(timeout=10)
            self.haproxy = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -------------------------------------------------------------- observation
    def server_states(self):
        """{node name: HAProxy's state of it (UP, DOWN, ...)} in the HTTP backend."""
        response = requests.get(
            f"http://127.0.0.1:{self.internal_port}/haproxy-stats;csv", timeout=5
        )
        rows = csv.DictReader(io.StringIO(response.text.lstrip("# ")))
        return {
            row["svname"]: row["status"].split()[0]
            for row in rows
            if row["pxname"] == "odoo_http" and row["svname"].startswith("node")
        }

    def active_runner(self):
        """The node whose queue_job runner holds the election lock, or None."""
        connection = pg_connect(self.database)
        try:
            cr = connection.cursor()
            cr.execute(
                """
                SELECT a.application_name
                  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'advisory' AND l.granted
                   AND l.classid = %s AND l.objid = %s
                   AND l.database = (SELECT oid FROM pg_database
                                      WHERE datname = current_database())
                """,
                (RUNNER_LOCK_ID >> 32, RUNNER_LOCK_ID & 0xFFFFFFFF),
            )
            row = cr.fetchone()
        finally:
            connection.close()
        if not row:
            return None
        name = row[0].split("-")[1]
        return next(node for node in self.nodes if node.name == name)
