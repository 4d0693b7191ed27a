"""Canonical JSON bytes of a payload, so equal payloads hash equally.

Key order and whitespace vary between senders and between re-deliveries of the same
event; the hash is taken over one fixed spelling instead.
"""

import hashlib
import json


def canonical_json(obj):
    """``obj`` as compact UTF-8 JSON with sorted keys (bytes)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def payload_hash(obj):
    """SHA-256 hex digest of :func:`canonical_json` of ``obj``."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()
