# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sender: batches the outbox to Odoo, signs, retries, settles the answers.

What each answer does to the events of a POST:

- 202/200 (and each event answered 202 or 200 inside a 207): the events leave the
  outbox, Odoo has them;
- a 4xx for one event inside a 207 (409, 422, 403...): the event moves to the
  rejected table with Odoo's answer, kept and never resent;
- 429 (``Retry-After`` honoured), 408, any 5xx (``Retry-After`` honoured when
  given), 3xx, a 404 (a server whose database is not loaded answers an HTML or JSON
  404), a body that is not JSON, a connection error or a timeout: nothing changes,
  the same batch is sent again after a capped exponential backoff with jitter;
- any other 4xx for the whole request (400, 401, 403, 409, 413, 422): nothing is
  deleted, sending stops and :class:`ClientError` says why.
"""

import email.utils
import hashlib
import hmac
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from standardwebhooks import Webhook

from . import __version__
from .outbox import Outbox, _dumps, _now_iso

_logger = logging.getLogger("retail_sync_client")

EVENTS_PATH = "/retail_sync/v1/events"
LEGACY_SIGNATURE_HEADER = "X-Retail-Sync-Signature"
RETRY_STATUSES = frozenset({404, 408, 429})


class ClientError(Exception):
    """Odoo refused a whole request with a 4xx that resending cannot fix.

    Nothing was deleted from the outbox; sending stops until the cause is fixed
    (credentials, signing secret, batch size) and :meth:`RetailSyncClient.flush` or
    :meth:`RetailSyncClient.start` is called again."""

    def __init__(self, status, answer):
        self.status = status
        self.answer = answer if isinstance(answer, dict) else {}
        self.error = self.answer.get("error")
        self.message = self.answer.get("message")
        super().__init__(f"HTTP {status} {self.error or ''}: {self.message or ''}")


@dataclass
class Attempt:
    """What one POST did."""

    status: int | None = None
    done: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    retried: list = field(default_factory=list)
    error: str | None = None
    retry_after: float | None = None

    @property
    def retry(self):
        return bool(self.retried)


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetailSyncClient:
    """A durable channel client for a store POS or a storefront.

    :param odoo_url: the Odoo base URL, e.g. ``https://erp.example.com``
    :param api_key: the channel's Odoo API key (sent as ``Authorization: Bearer``)
    :param outbox: path of the SQLite outbox file (or an :class:`Outbox`)
    :param signing_secret: the channel's signing secret; ``whsec_...`` secrets sign
        with Standard Webhooks headers, older ones with ``X-Retail-Sync-Signature``
        (``signature`` forces ``"standard"``, ``"legacy"`` or ``"both"``)
    :param batch_size: most events per POST
    """

    def __init__(
        self,
        odoo_url,
        api_key,
        outbox,
        signing_secret=None,
        signature="auto",
        batch_size=100,
        max_bytes=4 * 1024 * 1024,
        timeout=(5.0, 30.0),
        backoff_base=0.5,
        backoff_max=30.0,
        max_retry_after=600.0,
        linger=0.05,
        first_sequence=1,
        session=None,
        on_error=None,
    ):
        self.url = odoo_url.rstrip("/") + EVENTS_PATH
        self.api_key = api_key
        self.outbox = (
            outbox
            if isinstance(outbox, Outbox)
            else Outbox(outbox, first_sequence=first_sequence)
        )
        self.signing_secret = signing_secret
        if signature not in ("auto", "standard", "legacy", "both"):
            raise ValueError(f"unknown signature scheme {signature!r}")
        if signature == "auto":
            signature = (
                "standard"
                if signing_secret and signing_secret.startswith("whsec_")
                else "legacy"
            )
        self.signature = signature
        self._webhook = None
        if signing_secret and signature in ("standard", "both"):
            # A whsec_<base64> secret as the standard says; an older plain secret
            # is used as raw key bytes, as Odoo does.
            self._webhook = Webhook(
                signing_secret
                if signing_secret.startswith("whsec_")
                else signing_secret.encode()
            )
        self.batch_size = batch_size
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.linger = linger
        self.session = session or requests.Session()
        self.on_error = on_error
        self.error = None  # the ClientError that stopped sending, if any
        self.last_attempt = None
        self.failures = 0  # consecutive retryable failures
        self._send_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = None

    # ------------------------------------------------------------------ recording
    def record(self, event, ordering_key=None):
        """Write ``event`` durably to the outbox (numbered if it has an ordering
        key and no sequence) and return it as it will be sent. Safe to call while
        Odoo is unreachable: the sender delivers it later."""
        event = self.outbox.record(event, ordering_key=ordering_key)
        self._wake.set()
        return event

    def sale(
        self,
        store,
        register,
        lines,
        payments=None,
        receipt_number=None,
        event_id=None,
        occurred_at=None,
        **data,
    ):
        """Record a ``pos.sale.completed`` event numbered per register.

        ``lines``: ``[{"sku": ..., "quantity": ..., "unit_price": ...}]``;
        ``payments`` defaults to one card payment of the total."""
        if payments is None:
            total = sum(
                line["quantity"] * line["unit_price"] - line.get("discount", 0)
                for line in lines
            )
            payments = [{"method": "card", "amount": round(total, 2)}]
        event_id = event_id or f"{store}-{register}-{time.time_ns()}"
        event = {
            "id": event_id,
            "type": "pos.sale.completed",
            "schema_version": 1,
            "occurred_at": occurred_at or _now_iso(),
            "ordering_key": f"pos:{store}:{register}",
            "data": {
                "store": store,
                "register": register,
                "receipt_number": receipt_number or event_id,
                "lines": lines,
                "payments": payments,
                **data,
            },
        }
        return self.record(event)

    def next_sequence(self, key):
        """Reserve the next number of ``key`` durably (see
        :meth:`Outbox.next_sequence`)."""
        return self.outbox.next_sequence(key)

    def last_sequence(self, key):
        return self.outbox.last_sequence(key)

    def pending(self):
        """The events not yet delivered, in sending order."""
        return self.outbox.pending()

    def pending_count(self):
        return self.outbox.pending_count()

    def rejected(self):
        """The events Odoo refused one by one, with its answer."""
        return self.outbox.rejected()

    def status(self):
        return {
            "pending": self.outbox.pending_count(),
            "rejected": len(self.outbox.rejected()),
            "failures": self.failures,
            "error": str(self.error) if self.error else None,
            "last_error": self.last_attempt.error if self.last_attempt else None,
            "sending": bool(self._thread and self._thread.is_alive()),
        }

    # ------------------------------------------------------------------ HTTP
    def headers(self, body, now=None):
        """The request headers for ``body`` (bytes): credentials and signature.

        The Standard Webhooks id is a hash of the body: a batch sent again is the
        same message; a different batch is a different one."""
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Content-Type": "application/json",
            "User-Agent": f"retail-sync-client/{__version__}",
        }
        if not self.signing_secret:
            return headers
        if self._webhook is not None:
            timestamp = int(time.time() if now is None else now)
            message_id = "msg_" + hashlib.sha256(body).hexdigest()[:32]
            headers["webhook-id"] = message_id
            headers["webhook-timestamp"] = str(timestamp)
            headers["webhook-signature"] = self._webhook.sign(
                message_id,
                datetime.fromtimestamp(timestamp, tz=UTC),
                body.decode(),
            )
        if self.signature in ("legacy", "both"):
            digest = hmac.new(self.signing_secret.encode(), body, hashlib.sha256)
            headers[LEGACY_SIGNATURE_HEADER] = "sha256=" + digest.hexdigest()
        return headers

    def post_body(self, body):
        """POST raw JSON bytes, signed; returns the ``requests`` response."""
        return self.session.post(
            self.url,
            data=body,
            headers=self.headers(body),
            timeout=self.timeout,
            allow_redirects=False,
        )

    def post(self, events):
        """POST ``events`` as one batch now, bypassing the outbox (no retry)."""
        return self.post_body(
            b'{"events":[' + ",".join(map(_dumps, events)).encode() + b"]}"
        )

    # ------------------------------------------------------------------ sending
    def send_batch(self):
        """Send the oldest pending batch once and settle Odoo's answer.

        Returns an :class:`Attempt` (``attempt.retry`` when the batch stays
        pending); raises :class:`ClientError` on a whole-request 4xx."""
        with self._send_lock:
            batch = self.outbox.next_batch(self.batch_size, self.max_bytes)
            if not batch:
                return Attempt()
            ids = [event_id for event_id, _text in batch]
            body = (
                b'{"events":[' + ",".join(text for _id, text in batch).encode() + b"]}"
            )
            try:
                response = self.post_body(body)
            except requests.RequestException as exc:
                attempt = Attempt(retried=ids, error=f"{type(exc).__name__}: {exc}")
            else:
                attempt = self._settle(ids, response)
            if attempt.retried:
                self.failures += 1
                self.outbox.settle(
                    done=attempt.done,
                    rejected=attempt.rejected,
                    retry=attempt.retried,
                    error=attempt.error,
                )
            else:
                self.failures = 0
                self.outbox.settle(done=attempt.done, rejected=attempt.rejected)
            self.last_attempt = attempt
            if attempt.error:
                _logger.info("retail sync: %d events kept: %s", len(ids), attempt.error)
            return attempt

    def _settle(self, ids, response):
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is not None:
            retry_after = min(retry_after, self.max_retry_after)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            kind = response.headers.get("Content-Type", "no content type")
            return Attempt(
                status,
                retried=ids,
                retry_after=retry_after,
                error=f"HTTP {status}, not a JSON answer ({kind})",
            )
        if status in RETRY_STATUSES or status >= 500 or 300 <= status < 400:
            return Attempt(
                status,
                retried=ids,
                retry_after=retry_after,
                error=f"HTTP {status} {answer.get('error') or ''}".strip(),
            )
        if 400 <= status < 500:
            error = ClientError(status, answer)
            self.last_attempt = Attempt(status, retried=ids, error=str(error))
            raise error
        if status not in (200, 202, 207):
            return Attempt(
                status,
                retried=ids,
                retry_after=retry_after,
                error=f"HTTP {status}: unexpected answer",
            )
        results = answer.get("results")
        if results is None and status in (200, 202):
            return Attempt(status, done=list(ids))
        if not isinstance(results, list):
            return Attempt(
                status,
                retried=ids,
                retry_after=retry_after,
                error=f"HTTP {status} without per-event results",
            )
        attempt = Attempt(status, retry_after=retry_after)
        pending = dict.fromkeys(ids)
        for position, result in enumerate(results):
            if not isinstance(result, dict):
                continue
            event_id = result.get("id")
            if event_id is None and position < len(ids):
                event_id = ids[position]
            event_id = str(event_id)
            if event_id not in pending:
                continue
            code = result.get("status")
            if not isinstance(code, int):
                continue
            del pending[event_id]
            if 200 <= code < 300:
                attempt.done.append(event_id)
            elif 400 <= code < 500 and code not in RETRY_STATUSES:
                attempt.rejected.append((event_id, code, result))
            else:
                attempt.retried.append(event_id)
        attempt.retried.extend(pending)
        if attempt.retried:
            attempt.error = f"HTTP {status}: {len(attempt.retried)} events to resend"
        if attempt.rejected:
            _logger.warning(
                "retail sync: Odoo rejected %d events (see rejected())",
                len(attempt.rejected),
            )
        return attempt

    def retry_delay(self, attempt=None):
        """Seconds before the next try: ``Retry-After`` when Odoo gave one, else a
        capped exponential backoff with jitter (half fixed, half random)."""
        attempt = attempt or self.last_attempt
        if attempt is not None and attempt.retry_after is not None:
            return attempt.retry_after + random.uniform(0, 0.1)
        ceiling = min(
            self.backoff_max, self.backoff_base * 2 ** max(0, self.failures - 1)
        )
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def flush(self, timeout=None):
        """Send everything pending, retrying as long as needed (or ``timeout``
        seconds, then :class:`TimeoutError`). Returns how many events were
        settled (delivered or rejected). Raises :class:`ClientError` and stops
        there when Odoo refuses a whole request."""
        deadline = None if timeout is None else time.monotonic() + timeout
        settled = 0
        self.error = None
        while self.outbox.pending_count():
            try:
                attempt = self.send_batch()
            except ClientError as exc:
                self.error = exc
                raise
            settled += len(attempt.done) + len(attempt.rejected)
            if attempt.retry:
                delay = self.retry_delay(attempt)
                if deadline is not None and time.monotonic() + delay > deadline:
                    raise TimeoutError(
                        f"{self.outbox.pending_count()} events still pending: "
                        f"{attempt.error}"
                    )
                time.sleep(delay)
        return settled

    # ------------------------------------------------------------------ background
    def start(self):
        """Send in a background thread from now on: pending events first, then each
        recorded event shortly after :meth:`record`."""
        if self._thread and self._thread.is_alive():
            return self
        self.error = None
        self._stopping.clear()
        self._wake.set()
        self._thread = threading.Thread(
            target=self._run, name="retail-sync-sender", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, flush=False, timeout=None):
        """Stop the background sender (after sending what is pending when
        ``flush``, within ``timeout``). Pending events stay in the outbox."""
        if flush and self.error is None:
            try:
                self.flush(timeout=timeout)
            except (ClientError, TimeoutError):
                pass
        self._stopping.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)
            self._thread = None

    def _run(self):
        while not self._stopping.is_set():
            if not self.outbox.pending_count():
                self._wake.wait(1.0)
                self._wake.clear()
                if self.linger:
                    self._stopping.wait(self.linger)
                continue
            try:
                attempt = self.send_batch()
            except ClientError as exc:
                self.error = exc
                _logger.error("retail sync: sending stopped: %s", exc)
                if self.on_error:
                    self.on_error(exc)
                return
            except Exception:  # the outbox or a bug: never lose the thread silently
                _logger.exception("retail sync: unexpected error while sending")
                self.failures += 1
                self._stopping.wait(self.retry_delay(Attempt()))
                continue
            if attempt.retry:
                self._stopping.wait(self.retry_delay(attempt))

    def close(self):
        """Stop sending and close the outbox (pending events stay on disk)."""
        self.stop()
        self.outbox.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
