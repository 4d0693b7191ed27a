# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import threading

from odoo import SUPERUSER_ID, api

from odoo.addons.queue_job.job import Job
from odoo.addons.retail_sync_core.tests.common import ChannelMixin, make_event

_logger = logging.getLogger(__name__)


class DrainMixin(ChannelMixin):
    """Helpers to ingest events as the endpoint does and drain their keys."""

    def ingest(self, *events, channel=None):
        """Hand events to the inbox as the endpoint does (a JSON batch body);
        every one must be stored."""
        reception = self.Event._receive(
            channel or self.channel, json.dumps({"events": list(events)}).encode()
        )
        self.assertIsNone(reception.refusal)
        self.assertTrue(
            all(outcome.stored for outcome in reception.outcomes), reception.outcomes
        )
        return reception

    def ping(self, event_id, key, sequence=None, message="ok", **fields):
        if sequence is not None:
            fields["sequence"] = sequence
        return make_event(
            event_id=event_id, ordering_key=key, data={"message": message}, **fields
        )

    def drain(self, key, channel=None):
        return self.env["retail.sync.drain"]._drain_key(
            (channel or self.channel).id, key
        )

    def event(self, event_id, channel=None):
        return self.Event.search(
            [
                ("channel_id", "=", (channel or self.channel).id),
                ("external_id", "=", event_id),
            ]
        )

    def states(self, *event_ids):
        return [self.event(i).state for i in event_ids]


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
            perform_job(env, record)


def perform_job(env, record):
    """Run one queue.job record as the jobrunner would."""
    job = Job.load(env, record.uuid)
    job.set_started()
    job.store()
    job.perform()
    job.set_done()
    job.store()


def run_after_commit(env):
    """Run what this transaction registered for after its commit (cr.postcommit),
    as a commit would: in fresh cursors, which the registry's test mode serves
    from the test transaction."""
    env.flush_all()
    registry = env.registry
    entered = registry.test_cr is None
    if entered:
        registry.enter_test_mode(env.cr)
    try:
        env.cr.postcommit.run()
    finally:
        if entered:
            registry.leave_test_mode()


class SharedCursorLoginMixin:
    """For an HttpCase whose tour runs beside a BackgroundJobRunner: the tour's
    login queries the test cursor from the test thread, which the runner's rounds
    use too (through test cursors); taking the lock those cursors take keeps the
    two from using the one connection at once."""

    def authenticate(self, user, password, browser=None):
        with self.registry.test_lock:
            return super().authenticate(user, password, browser=browser)


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
