# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import requests

from odoo import SUPERUSER_ID, api, fields, models
from odoo.modules.registry import Registry
from odoo.tools import config

from ..engine import signing

_logger = logging.getLogger(__name__)

EVENTS_PATH = "/retail_sync/v1/events"
# How long a test event may take to be applied by the queue.
APPLY_TIMEOUT = 30.0
POLL_INTERVAL = 0.1
# Lifetime of the API key a test event is sent with (deleted right after).
KEY_LIFETIME = timedelta(minutes=2)
PING_TOPIC = "system.ping"
# A run still "running" after this long was interrupted.
STALE_AFTER = timedelta(minutes=5)

# Runs still going in this process (tests wait for them).
_running_threads = {}


class RetailSyncChannelTest(models.Model):
    """One "Send test event": a system.ping posted over HTTP to this Odoo's own
    events endpoint as the channel, applied by the queue, then a ping pushed to the
    channel's endpoint, with each leg timed.

    The run happens in a background thread, outside the request that started it:
    the HTTP call to ourselves must not wait on the request's own worker or
    database transaction (a deadlock with one worker, or in tests, where every
    request shares one cursor). The form refreshes itself until the run is over."""

    _name = "retail.sync.channel.test"
    _description = "Retail Sync Channel Test Event"
    _order = "id desc"
    _rec_name = "external_id"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="channel_id.company_id", store=True, index=True
    )
    user_id = fields.Many2one(
        "res.users", "Sent by", required=True, default=lambda self: self.env.user
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Round trip done"), ("failed", "Failed")],
        required=True,
        default="running",
    )
    external_id = fields.Char("Event id", required=True, readonly=True)
    event_id = fields.Many2one("retail.sync.event", ondelete="set null")
    accepted_ms = fields.Integer(
        "Accepted (ms)", help="From sending the event to the endpoint's 202"
    )
    applied_ms = fields.Integer(
        "Applied (ms)",
        help="From sending the event to seeing it applied by the queue",
    )
    queue_ms = fields.Integer(
        "Queue latency (ms)", help="From reception to application, as Odoo measured"
    )
    push_ms = fields.Integer(
        "Pushed (ms)", help="From sending the ping to the channel's endpoint's answer"
    )
    push_outcome = fields.Char("Push", readonly=True)
    message = fields.Text(readonly=True)

    # ------------------------------------------------------------------ starting
    @api.model
    def _start(self, channel):
        """Create a run for ``channel`` and start it in the background."""
        # A run whose thread died with its server process (a restart) stays
        # "running": close it, so it does not spin for ever.
        self.search(
            [
                ("channel_id", "=", channel.id),
                ("state", "=", "running"),
                ("create_date", "<", fields.Datetime.now() - STALE_AFTER),
            ]
        ).write(
            {"state": "failed", "message": self.env._("Interrupted (server restart).")}
        )
        run = self.create(
            {"channel_id": channel.id, "external_id": f"ping-{uuid.uuid4().hex[:16]}"}
        )
        # The thread reads from the database, not from this transaction's cache.
        self.env.flush_all()
        thread = threading.Thread(
            target=_run_in_background,
            args=(self.env.cr.dbname, run.id, self._endpoint_url()),
            name=f"retail_sync_channel_test_{run.id}",
            daemon=True,
        )
        _running_threads[(self.env.cr.dbname, run.id)] = thread
        thread.start()
        return run

    @api.model
    def _endpoint_url(self):
        """Where this Odoo serves the events endpoint to itself: its own HTTP port on
        the loopback, unless the system parameter retail_sync.self_url names
        another base URL (a proxy in front of the workers, a container)."""
        base = self.env["ir.config_parameter"].sudo().get_param("retail_sync.self_url")
        if not base:
            interface = config.get("http_interface") or "127.0.0.1"
            if interface in ("0.0.0.0", "::"):
                interface = "127.0.0.1"
            base = f"http://{interface}:{config['http_port']}"
        return base.rstrip("/") + EVENTS_PATH

    def action_refresh(self):
        """Nothing to do: the form reloads the run."""
        return True

    # ------------------------------------------------------------------ the legs
    def _prepare_request(self):
        """The body and headers of the test event. The channel's integration user
        gets a key that expires in two minutes and is deleted after the run: the
        channel's own keys are stored hashed and never leave Odoo."""
        self.ensure_one()
        channel = self.channel_id.sudo()
        user = channel._ensure_integration_user()
        key = (
            self.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, self._key_name(), datetime.now() + KEY_LIFETIME)
        )
        event = {
            "id": self.external_id,
            "type": PING_TOPIC,
            "schema_version": 1,
            "occurred_at": datetime.now(UTC).isoformat(),
            "data": {
                "message": self.env._("Test event sent by %s", self.user_id.name)[:200]
            },
        }
        body = json.dumps(event).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
        secrets = channel._signing_secrets()
        if secrets:
            headers.update(
                signing.webhook_headers(
                    secrets[0], f"test_{self.external_id}", time.time(), body
                )
            )
        return body, headers

    def _key_name(self):
        return f"Retail Sync test event {self.external_id}"

    def _remove_key(self):
        self.ensure_one()
        user = self.channel_id.sudo().user_id
        if user:
            self.env["res.users.apikeys"].sudo().search(
                [("user_id", "=", user.id), ("name", "=", self._key_name())]
            )._remove()

    def _event_state(self):
        """(id, state, error, latency) of the test event as stored now."""
        self.ensure_one()
        event = (
            self.env["retail.sync.event"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", self.channel_id.id),
                    ("external_id", "=", self.external_id),
                ],
                limit=1,
            )
        )
        return event.id, event.state, event.error_message, event.latency_ms

    def _finish(self, values):
        """Record the outcome, drop the test key, tell the channel's chatter."""
        self.ensure_one()
        self.write(values)
        self._remove_key()
        self.channel_id.sudo().message_post(
            body=self._summary(), author_id=self.user_id.partner_id.id
        )

    def _push_ping(self):
        """Push a ping to the channel's endpoint through the outbox, the way stock
        figures go; returns (outcome, milliseconds). Not retried: a test reports."""
        self.ensure_one()
        channel = self.channel_id.sudo()
        delivery = (
            self.env["retail.sync.delivery"]
            .sudo()
            .create(
                {
                    "channel_id": channel.id,
                    "topic": PING_TOPIC,
                    "item_count": 0,
                    "payload": {
                        "type": PING_TOPIC,
                        "channel": channel.code,
                        "event_id": self.external_id,
                        "sent_at": datetime.now(UTC).isoformat(),
                    },
                }
            )
        )
        started = time.monotonic()
        outcome = delivery._send()
        elapsed = _ms(started)
        if delivery.state == "failed":
            delivery.write({"state": "dead", "next_attempt_at": False})
        label = (
            f"{delivery.response_status} {outcome}"
            if delivery.response_status
            else f"{outcome}: {delivery.response_excerpt or ''}"
        )
        return outcome, elapsed, label

    def _summary(self):
        self.ensure_one()
        if self.state == "failed":
            return self.env._("Test event failed: %s", self.message)
        parts = [
            self.env._("accepted in %s ms", self.accepted_ms),
            self.env._("applied in %s ms", self.applied_ms),
        ]
        if self.push_outcome:
            parts.append(
                self.env._(
                    "pushed in %(ms)s ms (%(outcome)s)",
                    ms=self.push_ms,
                    outcome=self.push_outcome,
                )
            )
        return self.env._("Test event round trip: %s.", ", ".join(parts))


def _ms(started):
    return int((time.monotonic() - started) * 1000)


class _RunFailed(Exception):
    """A leg of the test failed; the message is for the implementer."""


def _run_in_background(dbname, run_id, url):
    """Run one test event, each step in its own short transaction; no cursor is
    held while waiting on HTTP."""
    registry = Registry(dbname)
    threading.current_thread().dbname = dbname

    def with_run(method):
        """``method(run)`` in a transaction of its own (committed when the block
        ends); None while the run is not visible (not committed yet)."""
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run = env["retail.sync.channel.test"].browse(run_id).exists()
            return method(run) if run else None

    try:
        values = {}
        try:
            # The run was created by the request that started this thread: wait
            # until that transaction has committed.
            prepared = None
            deadline = time.monotonic() + 10
            while prepared is None and time.monotonic() < deadline:
                prepared = with_run(lambda run: run._prepare_request())
                if prepared is None:
                    time.sleep(POLL_INTERVAL)
            if prepared is None:
                return
            body, headers = prepared
            values.update(_post_and_wait(with_run, url, body, headers))
            if with_run(lambda run: run.channel_id._pushes_ready()):
                outcome, push_ms, label = with_run(lambda run: run._push_ping())
                values.update(push_ms=push_ms, push_outcome=label)
                if outcome != "delivered":
                    raise _RunFailed(
                        f"the channel's endpoint did not take the ping ({label})"
                    )
            values["state"] = "done"
        except _RunFailed as exc:
            values.update(state="failed", message=str(exc))
        except Exception as exc:
            _logger.exception("Retail Sync test event %s failed", run_id)
            values.update(state="failed", message=f"{exc.__class__.__name__}: {exc}")
        with_run(lambda run: run._finish(values))
    finally:
        _running_threads.pop((dbname, run_id), None)


def _post_and_wait(with_run, url, body, headers):
    """POST the event, then poll its state until applied; the timings."""
    started = time.monotonic()
    try:
        response = requests.post(url, data=body, headers=headers, timeout=10)
    except requests.RequestException as exc:
        raise _RunFailed(f"the events endpoint {url} did not answer: {exc}") from exc
    accepted_ms = _ms(started)
    if response.status_code != 202:
        try:
            detail = response.json().get("message") or response.text
        except ValueError:
            detail = response.text[:200]
        raise _RunFailed(
            f"the events endpoint answered {response.status_code}: {detail}"
        )
    deadline = started + APPLY_TIMEOUT
    while True:
        event_id, state, error, latency_ms = with_run(lambda run: run._event_state())
        if state == "done":
            return {
                "accepted_ms": accepted_ms,
                "applied_ms": _ms(started),
                "queue_ms": latency_ms,
                "event_id": event_id,
            }
        if state in ("dead", "skipped"):
            raise _RunFailed(f"the test event ended {state}: {error or ''}")
        if time.monotonic() > deadline:
            raise _RunFailed(
                f"accepted in {accepted_ms} ms but not applied within "
                f"{APPLY_TIMEOUT:g} s (state: {state}): is the queue_job runner "
                "running?"
            )
        time.sleep(POLL_INTERVAL)
