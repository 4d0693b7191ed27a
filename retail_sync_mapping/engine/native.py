# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webhook verification of native platforms (Shopify, WooCommerce and alike): an
HMAC-SHA256 of the raw body under the shop's secret, base64 or hex in a header."""

import base64
import hashlib
import hmac
from urllib.parse import parse_qs


def signature_of(secret, body, encoding="base64"):
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    if encoding == "hex":
        return digest.hex()
    return base64.b64encode(digest).decode()


def verify(secrets, body, received, encoding="base64"):
    """True when ``received`` is the body's HMAC under one of ``secrets``."""
    if not received or not secrets:
        return False
    received = received.strip()
    if encoding == "hex":
        received = received.lower()
    return any(
        hmac.compare_digest(signature_of(secret, body, encoding), received)
        for secret in secrets
    )


def is_ping(body, field):
    """A creation ping: a form post whose only field is ``field`` (WooCommerce posts
    ``webhook_id=<id>`` when a webhook is saved)."""
    if not field or body[:1] in (b"{", b"["):
        return False
    try:
        form = parse_qs(body.decode("ascii"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return False
    return set(form) == {field}


def first_header(headers, names):
    """The value of the first of ``names`` present in ``headers``."""
    for name in names:
        value = headers.get(name)
        if value:
            return value.strip()
    return None
