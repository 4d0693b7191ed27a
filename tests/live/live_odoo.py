"""A real Odoo server, started as `make run` starts it, for live tests and benchmarks.

It serves one database that already has the suite installed, with HTTP workers, the
queue_job runner and a cron worker, on its own ports so it never collides with a
`make run` server. Talks JSON-RPC as admin to configure channels, and plain HTTP to
post events as a channel would.
"""

import configparser
import json
import os
import pathlib
import socket
import subprocess
import time

import psycopg2
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
LOCAL = pathlib.Path(os.environ.get("RS_LOCAL", ROOT / ".local"))


def live_config(path=None):
    """The server configuration of `make run` (odoo.conf), with the test
    configuration's addons path, which also holds tests/addons: the databases
    copied from the test database have the test-only addon installed. Written to
    ``path`` (default .local/odoo-live.conf), which it returns."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(LOCAL / "odoo-test.conf")
    addons_path = parser["options"]["addons_path"]
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(LOCAL / "odoo.conf")
    parser["options"]["addons_path"] = addons_path
    path = path or LOCAL / "odoo-live.conf"
    with path.open("w") as handle:
        parser.write(handle)
    return path


def pg_connect(database):
    """A direct connection to the suite's PostgreSQL, as the servers connect (for
    what the API does not show: timestamps to the microsecond, bulk setup)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(LOCAL / "odoo.conf")
    options = parser["options"]
    return psycopg2.connect(
        host=options.get("db_host", "127.0.0.1"),
        port=int(options.get("db_port", 5432)),
        user=options.get("db_user"),
        dbname=database,
    )


def port_busy(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class LiveOdoo:
    def __init__(
        self,
        database,
        http_port=8269,
        workers=4,
        log_name="live-server",
        runner=True,
        job_channels=None,
        gevent_port=None,
    ):
        self.database = database
        # queue_job channel capacities, overriding the config file's (e.g. to run
        # stock drains concurrently and prove they stay correct).
        self.job_channels = job_channels
        # Without the runner (queue_job not loaded server-wide) events are stored and
        # their jobs enqueued but not run: ingestion measured alone.
        self.runner = runner
        self.http_port = http_port
        self.gevent_port = gevent_port or http_port + 3
        self.workers = workers
        self.url = f"http://127.0.0.1:{http_port}"
        self.log_path = LOCAL / "log" / f"{log_name}.log"
        self.process = None
        self.session = requests.Session()
        self.admin_uid = None

    # -------------------------------------------------------------- lifecycle
    def start(self, timeout=120):
        for port in (self.http_port, self.gevent_port):
            if port_busy(port):
                raise RuntimeError(
                    f"port {port} is in use: stop what holds it before the live tests"
                )
        env = dict(os.environ)
        if self.job_channels:
            env["ODOO_QUEUE_JOB_CHANNELS"] = self.job_channels
        self.process = self.spawn(self.command(), env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo exited while starting: see {self.log_path}")
            try:
                if requests.get(self.url + "/web/health", timeout=2).ok:
                    self.admin_uid = self._login()
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"Odoo did not answer within {timeout} s: see {self.log_path}"
        )

    def command(self):
        """The command line of the server."""
        command = [
            str(LOCAL / "venv" / "bin" / "odoo"),
            "-c",
            str(live_config()),
            "-d",
            self.database,
            f"--http-port={self.http_port}",
            f"--gevent-port={self.gevent_port}",
            f"--workers={self.workers}",
            "--max-cron-threads=1",
            f"--logfile={self.log_path}",
            "--log-level=warn",
        ]
        if not self.runner:
            command.append("--load=base,web,retail_sync_core")
        return command

    def spawn(self, command, env):
        """Start the server's process (a subclass may wrap it)."""
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, env=env)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def restart(self, job_channels=None, runner=True):
        """Stop the server and start it again with these queue_job channel
        capacities (None: those of the configuration), with or without the job
        runner."""
        self.stop()
        self.job_channels = job_channels
        self.runner = runner
        return self.start()

    @staticmethod
    def configured_job_channels():
        """The queue_job channel capacities of the configuration (`make run`'s)."""
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(LOCAL / "odoo.conf")
        return parser.get("queue_job", "channels", fallback="root:1")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -------------------------------------------------------------- admin side
    def _jsonrpc(self, service, method, *args):
        response = self.session.post(
            self.url + "/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
            },
            timeout=120,
        )
        body = response.json()
        if "error" in body:
            raise RuntimeError(json.dumps(body["error"]["data"].get("message")))
        return body.get("result")

    def _login(self):
        return self._jsonrpc("common", "login", self.database, "admin", "admin")

    def call(self, model, method, *args, **kwargs):
        return self._jsonrpc(
            "object",
            "execute_kw",
            self.database,
            self.admin_uid,
            "admin",
            model,
            method,
            list(args),
            kwargs,
        )

    def create_channel(self, code, **values):
        """A channel and its integration API key, made the way an implementer does."""
        channel_id = self.call(
            "retail.sync.channel",
            "create",
            {"name": f"Live {code}", "code": code, **values},
        )
        action = self.call(
            "retail.sync.channel", "action_generate_api_key", [channel_id]
        )
        [wizard] = self.call(
            "retail.sync.secret.wizard", "read", [action["res_id"]], ["secret"]
        )
        return channel_id, wizard["secret"]

    def create_product(self, sku):
        return self.call(
            "product.product",
            "create",
            {"name": f"Live product {sku}", "default_code": sku, "is_storable": True},
        )

    def set_stock(self, product_id, location_id, quantity):
        """An inventory adjustment, as a stock clerk applies it in the Odoo UI."""
        quant_id = self.call(
            "stock.quant",
            "create",
            {
                "product_id": product_id,
                "location_id": location_id,
                "inventory_quantity": quantity,
            },
            context={"inventory_mode": True},
        )
        self.call("stock.quant", "action_apply_inventory", [quant_id])

    def create_store(self, code):
        """A warehouse; returns (warehouse id, its stock location id)."""
        warehouse_id = self.call(
            "stock.warehouse", "create", {"name": f"Live store {code}", "code": code}
        )
        [warehouse] = self.call(
            "stock.warehouse", "read", [warehouse_id], ["lot_stock_id"]
        )
        return warehouse_id, warehouse["lot_stock_id"][0]

    def events(self, channel_id, fields, domain=()):
        return self.call(
            "retail.sync.event",
            "search_read",
            [("channel_id", "=", channel_id), *domain],
            fields,
        )

    def count_events(self, channel_id, domain=()):
        return self.call(
            "retail.sync.event",
            "search_count",
            [("channel_id", "=", channel_id), *domain],
        )

    def ref(self, xml_id):
        """The id of the record ``module.name``."""
        module, name = xml_id.split(".")
        [data] = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        return data["res_id"]

    def run_cron(self, xml_id):
        """Run a cron's code now, in the server (as Odoo's 'Run manually')."""
        self.call("ir.cron", "method_direct_trigger", [self.ref(xml_id)])

    def wait_until(self, predicate, timeout, interval=0.5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return predicate()

    # -------------------------------------------------------------- channel side
    def post(self, key, body, session=None, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return (session or requests).post(
            self.url + "/retail_sync/v1/events",
            data=data,
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                **(headers or {}),
            },
            timeout=60,
        )
