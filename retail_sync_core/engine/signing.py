"""Body signatures: inbound HMAC-SHA256 over the raw body, outbound Standard Webhooks.

Inbound: a channel with a signing secret sends
``X-Retail-Sync-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw request body.
Two secrets may be valid at once while a channel rotates its secret.

Outbound: pushes carry the Standard Webhooks headers ``webhook-id``,
``webhook-timestamp`` and ``webhook-signature`` (``v1,<base64>`` of the HMAC-SHA256 of
``{id}.{timestamp}.{body}``), so receivers can use any Standard Webhooks library.
"""

import base64
import hashlib
import hmac

SIGNATURE_PREFIX = "sha256="
WEBHOOK_SECRET_PREFIX = "whsec_"


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


def _webhook_key(secret):
    if secret.startswith(WEBHOOK_SECRET_PREFIX):
        return base64.b64decode(secret[len(WEBHOOK_SECRET_PREFIX) :])
    return secret.encode()


def webhook_signature(secret, message_id, timestamp, body):
    """The ``webhook-signature`` header value (Standard Webhooks, scheme v1)."""
    signed = b"%s.%d.%s" % (message_id.encode(), int(timestamp), body)
    mac = hmac.new(_webhook_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def webhook_headers(secret, message_id, timestamp, body):
    """The three Standard Webhooks headers for one delivery."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": webhook_signature(secret, message_id, timestamp, body),
    }


def verify_webhook(secret, headers, body, now, tolerance=300):
    """Check Standard Webhooks headers as a receiver does; tolerance in seconds."""
    message_id = headers.get("webhook-id", "")
    try:
        timestamp = int(headers.get("webhook-timestamp", ""))
    except ValueError:
        return False
    if not message_id or abs(now - timestamp) > tolerance:
        return False
    expected = webhook_signature(secret, message_id, timestamp, body).split(",", 1)[1]
    offered = headers.get("webhook-signature", "").split()
    return any(
        hmac.compare_digest(expected, value.split(",", 1)[1])
        for value in offered
        if value.startswith("v1,")
    )
