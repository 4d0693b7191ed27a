"""The reference channel: an HTTP server playing a storefront or a store POS.

The only stand-in in the system, outside Odoo. It receives Odoo's pushes, verifies
their Standard Webhooks signatures, keeps the latest figure per SKU (by version, so a
late stale push never overwrites a fresh one), keeps every order status pushed to it
per order (flagging a version that is not higher than the previous one of its order),
keeps a catalog (catalog.batch documents applied by version, a full pass answered
with the records it lacks or holds with another checksum), records arrival times,
and can be told to fail, answer slowly, answer 429, answer 410,
or go down. Its client side sends events the way a POS does, with the durable client
of clients/python: signed, batched, kept in a SQLite outbox while Odoo cannot be
reached.

Run alone: python -m reference_channel.server --port 8600 --secret whsec_...
"""

import argparse
import hashlib
import json
import pathlib
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from retail_sync_client import ClientError, RetailSyncClient

from .signing import verify_webhook


class ReferenceChannel:
    """Receiver state and behaviour, shared with its HTTP handler."""

    def __init__(self, secret=None, host="127.0.0.1", port=0):
        self.secret = secret
        self.host, self.port = host, port
        self.lock = threading.Lock()
        self.mode = "ok"
        self.delay = 0.0
        self.retry_after = 1
        self.received = []  # (arrival time, headers, body dict, verified)
        self.latest = {}  # sku -> figure (highest version)
        self.arrivals = {}  # sku -> list of (arrival time, available, version)
        self.order_statuses = {}  # order_ref -> every status entry, in arrival order
        self.out_of_order = []  # (order_ref, version, previous version)
        self.pickup_orders = {}  # order_ref -> every pickup order entry (a store POS)
        self.rejected_signatures = 0
        # Catalog: product id -> {"version", "data", "removed"}; documents whose
        # version was not above the one held (never applied); checksum mismatches
        # after a document was applied; product ids listed per full pass run.
        self.catalog = {}
        self.catalog_stale = []
        self.catalog_mismatches = []
        self.catalog_arrivals = {}  # product id -> [(arrival time, price, version)]
        self.full_pass_seen = {}
        self.full_pass_requests = 0
        self.server = None
        self.thread = None

    # ---------------------------------------------------------------- server
    def start(self):
        channel = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                channel._handle(self)

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def go_down(self):
        """Stop listening: connections are refused, like a storefront that is down."""
        self.stop()

    def come_back(self):
        self.start()

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/webhooks"

    def set_mode(self, mode, delay=0.0, retry_after=1):
        """ok, fail (500), slow (answer after ``delay``), throttle (429), gone (410),
        reject (400)."""
        with self.lock:
            self.mode, self.delay, self.retry_after = mode, delay, retry_after

    # ---------------------------------------------------------------- receiving
    def _handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        arrived = time.time()
        with self.lock:
            mode, delay, retry_after = self.mode, self.delay, self.retry_after
        if mode == "slow":
            time.sleep(delay)
        status = {"fail": 500, "throttle": 429, "gone": 410, "reject": 400}.get(
            mode, 200
        )
        answer = None
        headers = {k.lower(): v for k, v in handler.headers.items()}
        verified = bool(self.secret) and verify_webhook(
            self.secret, headers, raw, now=time.time()
        )
        if status == 200 and self.secret and not verified:
            status = 401
        if status == 200:
            body = json.loads(raw)
            with self.lock:
                self.received.append((arrived, headers, body, verified))
                for figure in body.get("figures", []):
                    sku = figure["sku"]
                    current = self.latest.get(sku)
                    if current is None or figure["version"] > current["version"]:
                        self.latest[sku] = figure
                    self.arrivals.setdefault(sku, []).append(
                        (arrived, figure["available"], figure["version"])
                    )
                if body.get("type") == "order.status":
                    self._record_order_statuses(body.get("orders", []))
                if body.get("type") == "pickup.order":
                    self._record_order_statuses(
                        body.get("orders", []), self.pickup_orders
                    )
                if body.get("type") == "catalog.batch":
                    self._apply_catalog(body.get("documents", []), arrived)
                if body.get("type") == "catalog.full_pass":
                    answer = self._answer_full_pass(body)
        elif status == 401:
            with self.lock:
                self.rejected_signatures += 1
        handler.send_response(status)
        if status == 429:
            handler.send_header("Retry-After", str(retry_after))
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        handler.wfile.write(json.dumps(answer or {"status": status}).encode())

    # ---------------------------------------------------------------- catalog
    @staticmethod
    def catalog_checksum(data):
        """The documented checksum rule (docs/catalog.md): SHA-256 of the data as
        canonical JSON (sorted keys, no spaces, UTF-8), first 16 hex digits."""
        text = json.dumps(
            data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _apply_catalog(self, documents, arrived):
        """Apply catalog documents as a storefront would: a document whose version
        is not above the record's is stale and dropped."""
        for document in documents:
            pid = document["product_id"]
            held = self.catalog.get(pid)
            if held and document["version"] <= held["version"]:
                self.catalog_stale.append((pid, document["version"], held["version"]))
                continue
            kind = document["type"]
            if kind == "catalog.product.removed":
                self.catalog[pid] = {
                    "version": document["version"],
                    "data": None,
                    "removed": True,
                }
                continue
            if kind == "catalog.price.changed":
                if not held or held["removed"]:
                    self.catalog_mismatches.append((pid, document["version"]))
                    continue
                data = dict(held["data"])
                data.update(
                    {k: v for k, v in document["data"].items() if k != "product_id"}
                )
            else:
                data = dict(document["data"])
            self.catalog[pid] = {
                "version": document["version"],
                "data": data,
                "removed": False,
            }
            if self.catalog_checksum(data) != document.get("checksum"):
                self.catalog_mismatches.append((pid, document["version"]))
            self.catalog_arrivals.setdefault(pid, []).append(
                (arrived, data.get("price"), document["version"])
            )

    def _answer_full_pass(self, body):
        """The records of the batch this channel lacks or holds differently; on
        the final batch, also those it holds that no batch of the run listed."""
        self.full_pass_requests += 1
        seen = self.full_pass_seen.setdefault(body["run"], set())
        resend = []
        for record in body["records"]:
            pid = record["product_id"]
            seen.add(pid)
            held = self.catalog.get(pid)
            if (
                not held
                or held["removed"]
                or self.catalog_checksum(held["data"]) != record["checksum"]
            ):
                resend.append(pid)
        answer = {"resend": resend}
        if body.get("final"):
            answer["unknown"] = sorted(
                pid
                for pid, held in self.catalog.items()
                if not held["removed"] and pid not in seen
            )
            self.full_pass_seen.pop(body["run"], None)
        return answer

    def catalog_record(self, product_id):
        """The record held for a product (None: never received or removed)."""
        with self.lock:
            held = self.catalog.get(product_id)
        return None if not held or held["removed"] else dict(held["data"])

    def catalog_ids(self):
        with self.lock:
            return {pid for pid, held in self.catalog.items() if not held["removed"]}

    def forget_catalog(self, *product_ids):
        """Lose records (drift): a full pass must bring them back."""
        with self.lock:
            for pid in product_ids:
                self.catalog.pop(pid, None)

    def _record_order_statuses(self, entries, into=None):
        """Keep each order's statuses (or pickup orders, ``into``); a version not
        above the last one received for its order is flagged (a storefront would
        drop it)."""
        into = self.order_statuses if into is None else into
        for entry in entries:
            history = into.setdefault(entry["order_ref"], [])
            if history and entry["version"] <= history[-1]["version"]:
                self.out_of_order.append(
                    (entry["order_ref"], entry["version"], history[-1]["version"])
                )
                continue
            history.append(entry)

    def order_status(self, order_ref):
        """The latest status entry received for an order (None if none)."""
        with self.lock:
            history = self.order_statuses.get(order_ref)
        return history[-1] if history else None

    def order_history(self, order_ref):
        """The statuses received for an order, in order ("reserved", "shipped")."""
        with self.lock:
            return [entry["status"] for entry in self.order_statuses.get(order_ref, [])]

    def pickup_order(self, order_ref):
        """The latest pickup order received for an order (None if none)."""
        with self.lock:
            history = self.pickup_orders.get(order_ref)
        return history[-1] if history else None

    def pickup_history(self, order_ref):
        """The pickup order statuses received for an order, in order."""
        with self.lock:
            return [entry["status"] for entry in self.pickup_orders.get(order_ref, [])]

    def reset(self):
        """Forget what was received (between tests)."""
        with self.lock:
            self.received.clear()
            self.latest.clear()
            self.arrivals.clear()
            self.order_statuses.clear()
            self.pickup_orders.clear()
            self.out_of_order.clear()
            self.catalog.clear()
            self.catalog_stale.clear()
            self.catalog_mismatches.clear()
            self.catalog_arrivals.clear()
            self.full_pass_seen.clear()
            self.full_pass_requests = 0
            self.rejected_signatures = 0
            self.mode = "ok"

    def available(self, sku):
        with self.lock:
            figure = self.latest.get(sku)
        return None if figure is None else figure["available"]

    def wait_for(self, predicate, timeout=30.0, interval=0.05):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return predicate()


def pos_sale(event_id, sequence, store, register, sku, quantity=1, price=5.0, at=None):
    """A pos.sale.completed event as a till sends it."""
    return {
        "id": event_id,
        "type": "pos.sale.completed",
        "schema_version": 1,
        "occurred_at": at or time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "sequence": sequence,
        "data": {
            "store": store,
            "register": register,
            "receipt_number": event_id,
            "lines": [{"sku": sku, "quantity": quantity, "unit_price": price}],
            "payments": [{"method": "card", "amount": price * quantity}],
        },
    }


class ReferencePos:
    """The sending side: a store POS built on the durable client
    (``retail_sync_client``, clients/python): recorded events go to a SQLite outbox
    and are delivered, signed and batched, once Odoo answers; ``send`` posts one
    batch at once, bypassing the outbox, for tests that look at a single answer."""

    def __init__(
        self, odoo_url, api_key, signing_secret=None, outbox_path=None, **options
    ):
        if outbox_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="reference-pos-")
            outbox_path = pathlib.Path(self._tmp.name) / "outbox.db"
        options.setdefault("backoff_max", 5.0)
        self.client = RetailSyncClient(
            odoo_url, api_key, outbox_path, signing_secret=signing_secret, **options
        )
        self.url = self.client.url
        self.api_key = api_key
        self.signing_secret = signing_secret
        self.session = self.client.session

    def send(self, events):
        """POST events as one batch now; returns the response."""
        return self.client.post(events)

    def record(self, event, ordering_key=None):
        """Write an event to the outbox (durably); returns it as it will be sent."""
        return self.client.record(event, ordering_key=ordering_key)

    def sale(self, store, register, lines, **options):
        """Record a pos.sale.completed numbered per register."""
        return self.client.sale(store, register, lines, **options)

    @property
    def buffer(self):
        """The events still waiting for Odoo, oldest first."""
        return self.client.pending()

    def rejected(self):
        return self.client.rejected()

    def flush(self, batch_size=None, timeout=60):
        """Send what is pending, retrying while Odoo is unreachable (up to
        ``timeout`` seconds). Returns None once everything is settled, else the
        error that stopped it (a ``ClientError``, or ``TimeoutError``)."""
        if batch_size:
            self.client.batch_size = batch_size
        try:
            self.client.flush(timeout=timeout)
        except (ClientError, TimeoutError) as exc:
            return exc
        return None

    def start(self):
        self.client.start()
        return self

    def stop(self):
        self.client.stop()

    def close(self):
        self.client.close()
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--secret")
    args = parser.parse_args()
    channel = ReferenceChannel(args.secret, port=args.port).start()
    print(f"reference channel listening on {channel.url}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        channel.stop()


if __name__ == "__main__":
    main()
