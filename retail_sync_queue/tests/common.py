# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import threading
from unittest.mock import patch

from odoo import SUPERUSER_ID, api

from odoo.addons.queue_job.job import Job
from odoo.addons.retail_sync_core.engine import contracts
from odoo.addons.retail_sync_core.engine.errors import PermanentError, RetryableError
from odoo.addons.retail_sync_core.tests.common import ChannelMixin, make_event

_logger = logging.getLogger(__name__)


def scripted_handler(event):
    """A ping handler whose behaviour the test picks through data.message."""
    message = event.payload["data"].get("message", "")
    if message == "poison":
        raise PermanentError("poison pill: this event can never apply")
    if message == "flaky":
        raise RetryableError("timeout while talking to the warehouse")
    if message.startswith("store:"):
        store = event.env["retail.sync.binding"]._resolve(
            event.channel_id, "store", message[len("store:") :]
        )
        event._link(store)
        return {"store": store.display_name}
    return {"handled": message}


class DrainMixin(ChannelMixin):
    """Helpers to ingest events as the endpoint does and drain their keys."""

    def ingest(self, *events, channel=None):
        outcome = self.Event._ingest_request(
            channel or self.channel, json.dumps({"events": list(events)}).encode()
        )
        self.assertIn(outcome.status, (200, 202, 207), outcome.body)
        return outcome

    def ping(self, event_id, key, sequence=None, message="ok", **fields):
        if sequence is not None:
            fields["sequence"] = sequence
        return make_event(
            event_id=event_id, ordering_key=key, data={"message": message}, **fields
        )

    def drain(self, key, channel=None):
        return self.Event._drain_key((channel or self.channel).id, key)

    def event(self, event_id, channel=None):
        return self.Event.search(
            [
                ("channel_id", "=", (channel or self.channel).id),
                ("external_id", "=", event_id),
            ]
        )

    def states(self, *event_ids):
        return [self.event(i).state for i in event_ids]


class PipelineMixin(DrainMixin):
    """A channel, a scripted handler and helpers to ingest and drain events."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel, cls.key = cls.make_channel("PIPE", gap_timeout=60)
        cls.Event = cls.env["retail.sync.event"]
        envelope = contracts.load_envelope()
        cls.count_contract = cls.env["retail.sync.contract"].create(
            {
                "name": "Test count",
                "event_type": "test.count",
                "version": 1,
                "domain": "inventory",
                "ordering_key_template": "count:{data.message}",
                "absolute_state": True,
                "retry_max_attempts": 3,
                "schema": contracts.compose_schema(
                    envelope, "test.count", 1, {"type": "object"}
                ),
            }
        )
        event_class = type(cls.Event)
        handlers = {
            "system.ping": "_handle_system_ping",
            "test.count": "_handle_system_ping",
        }
        cls.startClassPatcher(
            patch.object(event_class, "_handlers", lambda self: handlers)
        )
        cls.startClassPatcher(
            patch.object(event_class, "_handle_system_ping", scripted_handler)
        )
        ping = cls.env["retail.sync.contract"].search(
            [("event_type", "=", "system.ping")]
        )
        ping.retry_max_attempts = 3


def pending_jobs(env, suffix=None):
    """Retail Sync jobs waiting in queue_job (real rows, written by with_delay)."""
    domain = [("state", "=", "pending"), ("identity_key", "=like", "retail_sync.%")]
    if suffix:
        domain.append(("identity_key", "=like", f"%{suffix}"))
    return env["queue.job"].search(domain, order="id")


def perform_pending_jobs(env):
    """Run the waiting Retail Sync jobs as the jobrunner would, until none is left.

    queue_job's own trap_jobs() needs a newer Odoo 18.0 than the one we test on."""
    for _round in range(10):
        jobs = pending_jobs(env)
        if not jobs:
            return
        for record in jobs:
            job = Job.load(env, record.uuid)
            job.set_started()
            job.store()
            job.perform()
            job.set_done()
            job.store()


class BackgroundJobRunner:
    """Performs the waiting Retail Sync jobs in a thread, as the jobrunner would,
    while the test thread is busy (a browser tour, a background test event).

    Each round takes the test cursor the way a request does, so it never runs at the
    same time as a request of the test server."""

    def __init__(self, registry, interval=0.1):
        self.registry = registry
        self.interval = interval
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)

    def _loop(self):
        while not self._stop.wait(self.interval):
            try:
                with self.registry.cursor() as cr:
                    perform_pending_jobs(api.Environment(cr, SUPERUSER_ID, {}))
            except Exception as exc:  # reported by the test, the loop goes on
                _logger.exception("job failed in the background runner")
                self.errors.append(exc)
