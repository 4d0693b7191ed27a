"""The durable client, live: a till keeps selling through every outage.

A till (a separate process using retail_sync_client, with its outbox in a temporary
folder) records 1,000 sales over 8 registers while Odoo is stopped for
RS_CLIENT_DOWN_SECONDS (60 s by default) and started again, the till is killed with
SIGKILL while it replays its backlog and started again on the same outbox, and
PostgreSQL is restarted once. Every sale must be applied exactly once, in per-register
order, with no register waiting out a sequence gap, and the on-hand quantities exact.
"""

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

from .test_live_stock import on_hand

ROOT = pathlib.Path(__file__).resolve().parents[2]
SALES = int(os.environ.get("RS_CLIENT_SALES", "1000"))
DOWN_SECONDS = float(os.environ.get("RS_CLIENT_DOWN_SECONDS", "60"))
REGISTERS = 8
SKUS = [f"LIVE-C{n}" for n in range(4)]
STORE = "LVC"
START_QUANTITY = SALES  # never reaches zero

TILL = textwrap.dedent(
    """
    import os, sys, time
    from retail_sync_client import ClientError, RetailSyncClient

    url, outbox, store = sys.argv[1:4]
    registers, total = int(sys.argv[4]), int(sys.argv[5])
    rate, skus = float(sys.argv[6]), sys.argv[7].split(",")
    client = RetailSyncClient(
        url, os.environ["RS_TILL_KEY"], outbox,
        signing_secret=os.environ.get("RS_TILL_SECRET") or None,
        backoff_base=0.2, backoff_max=3.0, timeout=(3.0, 30.0),
    )
    # Where the last run stopped: every recorded sale took its register's next number.
    done = sum(client.last_sequence(f"pos:{store}:R{r}") for r in range(registers))
    print("resume", done, flush=True)
    client.start()
    for n in range(done, total):
        client.sale(
            store, f"R{n % registers}",
            [{"sku": skus[n % len(skus)], "quantity": 1, "unit_price": 2.0}],
            event_id=f"{store}-{n}",
        )
        print("sale", n, flush=True)
        time.sleep(1 / rate)
    client.stop()
    try:
        client.flush(timeout=float(os.environ.get("RS_TILL_FLUSH_TIMEOUT", "120")))
    except (ClientError, TimeoutError) as exc:
        print("error", exc, flush=True)
        sys.exit(2)
    print("rejected", len(client.rejected()), flush=True)
    print("done", flush=True)
    """
)


class Till:
    """The till's process, killed and started again on the same outbox."""

    def __init__(self, folder, url, key, secret, rate):
        self.folder = folder
        self.script = folder / "till.py"
        self.script.write_text(TILL)
        self.args = [
            url,
            str(folder / "outbox.db"),
            STORE,
            str(REGISTERS),
            str(SALES),
            str(rate),
            ",".join(SKUS),
        ]
        self.env = {**os.environ, "RS_TILL_KEY": key, "RS_TILL_SECRET": secret or ""}
        self.runs = 0
        self.process = None

    @property
    def log(self):
        return self.folder / f"till-{self.runs}.log"

    def start(self):
        self.runs += 1
        self.handle = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(self.script), *self.args],
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            env=self.env,
        )

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.handle.close()

    def lines(self):
        return self.log.read_text().split("\n")

    def sold(self):
        """How many sales the till has recorded so far (by its own log)."""
        sales = [line for line in self.lines() if line.startswith("sale ")]
        return int(sales[-1].split()[1]) + 1 if sales else 0

    def wait(self, timeout):
        try:
            return self.process.wait(timeout)
        finally:
            self.handle.close()


def postgres(action):
    subprocess.run(
        ["bash", str(ROOT / "setup" / "postgres.sh"), action], check=True, timeout=120
    )


def setup_store(live_odoo):
    warehouse_id, location_id = live_odoo.create_store(STORE)
    products = {}
    for sku in SKUS:
        products[sku] = live_odoo.create_product(sku)
        live_odoo.set_stock(products[sku], location_id, START_QUANTITY)
    channel_id, key = live_odoo.create_channel(f"{STORE}-POS")
    live_odoo.call(
        "retail.sync.binding",
        "create",
        {
            "channel_id": channel_id,
            "kind": "store",
            "external_ref": STORE,
            "record_ref": f"stock.warehouse,{warehouse_id}",
        },
    )
    action = live_odoo.call(
        "retail.sync.channel", "action_rotate_signing_secret", [channel_id]
    )
    [wizard] = live_odoo.call(
        "retail.sync.secret.wizard", "read", [action["res_id"]], ["secret"]
    )
    return channel_id, key, wizard["secret"], location_id, products


def test_till_with_the_client_survives_odoo_postgres_and_its_own_crash(
    live_odoo, tmp_path
):
    channel_id, key, secret, location_id, products = setup_store(live_odoo)
    # The sales span the whole scenario: the outage, Odoo's start, the till's
    # restart and PostgreSQL's restart.
    rate = SALES / (DOWN_SECONDS + 60)
    till = Till(tmp_path, live_odoo.url, key, secret, rate)
    till.start()
    odoo_down = pg_down = False
    try:
        time.sleep(8)
        before = live_odoo.count_events(channel_id)
        live_odoo.stop()
        odoo_down = True
        time.sleep(DOWN_SECONDS)
        live_odoo.start()
        odoo_down = False
        # Killed while it replays its backlog (as soon as Odoo has some of it): a
        # batch may reach Odoo without its answer reaching the outbox, and is sent
        # again.
        live_odoo.wait_until(
            lambda: live_odoo.count_events(channel_id) > before, 30, interval=0.1
        )
        killed_at = till.sold()
        till.kill()
        till.start()
        time.sleep(8)
        pg_down = True
        postgres("stop")
        time.sleep(5)
        postgres("start")
        pg_down = False
        assert till.wait(150) == 0, till.log.read_text()[-2000:]
    finally:
        if till.process.poll() is None:
            till.kill()
        if pg_down:
            postgres("start")
        if odoo_down:
            live_odoo.start()
    lines = till.lines()
    resumed = int(lines[0].split()[1])
    assert killed_at <= resumed <= killed_at + 2, (killed_at, lines[0])
    assert "rejected 0" in lines, lines[-5:]
    assert 0 < killed_at < SALES

    pending = [("state", "in", ["received", "queued", "failed", "blocked", "dead"])]
    assert live_odoo.wait_until(
        lambda: live_odoo.count_events(channel_id) == SALES
        and live_odoo.count_events(channel_id, pending) == 0,
        timeout=150,
        interval=2,
    ), (
        live_odoo.count_events(channel_id),
        live_odoo.count_events(channel_id, pending),
    )
    events = live_odoo.events(
        channel_id,
        [
            "external_id",
            "ordering_key",
            "sequence",
            "state",
            "state_reason",
            "applied_order",
        ],
    )
    ids = [event["external_id"] for event in events]
    assert sorted(ids) == sorted(f"{STORE}-{n}" for n in range(SALES))  # once each
    assert {event["state"] for event in events} == {"done"}
    flagged = [e for e in events if "gap" in (e["state_reason"] or "").lower()]
    assert not flagged, flagged[:5]
    for register in range(REGISTERS):
        key_events = sorted(
            (e for e in events if e["ordering_key"] == f"pos:{STORE}:R{register}"),
            key=lambda e: e["sequence"],
        )
        assert [e["sequence"] for e in key_events] == list(
            range(1, len(key_events) + 1)
        )
        applied = [e["applied_order"] for e in key_events]
        assert applied == sorted(applied) and len(set(applied)) == len(applied)
    for position, sku in enumerate(SKUS):
        sold = len(range(position, SALES, len(SKUS)))
        assert on_hand(live_odoo, products[sku], location_id) == START_QUANTITY - sold
