"""Body signatures, both directions Standard Webhooks (the ``standardwebhooks``
package): headers ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``
(``v1,<base64>`` of the HMAC-SHA256 of ``{id}.{timestamp}.{body}``). The timestamp
bounds how long a captured request stays valid.

Inbound, deprecated: ``X-Retail-Sync-Signature: sha256=<hex>``, the HMAC-SHA256 of the
raw body keyed by the secret string, carries no timestamp; accepted until
LEGACY_SIGNATURE_SUNSET for channels that have not moved yet. Two secrets may be valid
at once while a channel rotates its secret.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

SIGNATURE_PREFIX = "sha256="
WEBHOOK_SECRET_PREFIX = "whsec_"
WEBHOOK_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
# Seconds a signed request stays valid: the Standard Webhooks library's own limit.
DEFAULT_TOLERANCE = 300


# The day the legacy header stops being accepted (announced in every answer to a
# request that uses it: Deprecation and Sunset headers).
LEGACY_SIGNATURE_SUNSET = "Wed, 30 Jun 2027 00:00:00 GMT"


def body_signature(secret, body):
    """The value of X-Retail-Sync-Signature for ``body`` (bytes) under ``secret``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify_body_signature(secrets, body, header_value):
    """True when ``header_value`` signs ``body`` under any of ``secrets``."""
    if not header_value or not header_value.startswith(SIGNATURE_PREFIX):
        return False
    return any(
        hmac.compare_digest(body_signature(secret, body), header_value.strip())
        for secret in secrets
        if secret
    )


def _webhook(secret):
    """A Standard Webhooks signer for a secret: ``whsec_<base64>`` as the standard
    says; an older plain secret is used as raw key bytes."""
    if secret.startswith(WEBHOOK_SECRET_PREFIX):
        return Webhook(secret)
    return Webhook(secret.encode())


def new_webhook_secret():
    """A fresh secret in the Standard Webhooks form (32 random bytes)."""
    return WEBHOOK_SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_signature(secret, message_id, timestamp, body):
    """The ``webhook-signature`` header value (Standard Webhooks, scheme v1)."""
    moment = datetime.fromtimestamp(int(timestamp), UTC)
    return _webhook(secret).sign(message_id, moment, body.decode())


def webhook_headers(secret, message_id, timestamp, body):
    """The Standard Webhooks headers for one delivery (unsigned without a secret)."""
    headers = {"webhook-id": message_id, "webhook-timestamp": str(int(timestamp))}
    if secret:
        headers["webhook-signature"] = webhook_signature(
            secret, message_id, timestamp, body
        )
    return headers


def has_webhook_headers(headers):
    return any(headers.get(name) for name in WEBHOOK_HEADERS)


def verify_webhook(secrets_, headers, body, now, tolerance=DEFAULT_TOLERANCE):
    """Check Standard Webhooks headers as a receiver does, under any of ``secrets_``
    (one, or several while a secret rotates). A timestamp further than
    ``tolerance`` seconds from ``now`` fails, so a captured request cannot be
    replayed later."""
    if isinstance(secrets_, str):
        secrets_ = [secrets_]
    headers = {name.lower(): value for name, value in headers.items()}
    try:
        timestamp = int(headers.get("webhook-timestamp", ""))
    except ValueError:
        return False
    if not headers.get("webhook-id") or abs(now - timestamp) > tolerance:
        return False
    offered = [
        value.split(",", 1)[1]
        for value in headers.get("webhook-signature", "").split()
        if value.startswith("v1,")
    ]
    for secret in filter(None, secrets_):
        try:
            # The library signs; the timestamp was checked above against ``now``
            # (its own verify() reads the wall clock and fixes the tolerance).
            expected = webhook_signature(
                secret, headers["webhook-id"], timestamp, body
            ).split(",", 1)[1]
        except (ValueError, UnicodeDecodeError, binascii.Error):
            return False
        if any(hmac.compare_digest(expected, value) for value in offered):
            return True
    return False
