"""Signature checks of the reference channel, written from the Standard Webhooks
specification independently of Retail Sync's own engine, so that a bug there cannot
hide in both sides."""

import base64
import hashlib
import hmac


def _key(secret):
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode()


def verify_webhook(secret, headers, body, now, tolerance=300):
    try:
        message_id = headers["webhook-id"]
        timestamp = int(headers["webhook-timestamp"])
        offered = headers["webhook-signature"].split()
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    signed = f"{message_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest())
    return any(
        hmac.compare_digest(expected.decode(), value.split(",", 1)[1])
        for value in offered
        if value.startswith("v1,")
    )


def body_signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
