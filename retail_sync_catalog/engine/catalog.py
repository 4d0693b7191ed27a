"""Catalog documents pushed to channels: checksums and outbound contracts.

No ``odoo`` import: the models build documents and call these helpers; the channel
side (tests/reference_channel) uses the same checksum rule.

A document's checksum is over its ``data`` only (never its version), as canonical
JSON (sorted keys, no spaces, exact decimals as strings), so Odoo and a channel that
stores what it received compute the same value."""

import functools
import hashlib
import json
import pathlib

from jsonschema import Draft202012Validator

UPSERTED = "catalog.product.upserted"
REMOVED = "catalog.product.removed"
PRICE_CHANGED = "catalog.price.changed"
BATCH = "catalog.batch"
FULL_PASS = "catalog.full_pass"
FULL_PASS_ANSWER = "catalog.full_pass.answer"
# The price part of an upserted document: a change confined to it is sent as a
# catalog.price.changed document.
PRICE_KEYS = ("price", "list_price", "currency")

CONTRACTS_DIR = pathlib.Path(__file__).resolve().parent.parent / "outbound_contracts"


def canonical(data):
    """The canonical JSON text of a document's data."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum(data):
    """The checksum of a document's data: 16 hex digits of its SHA-256."""
    return hashlib.sha256(canonical(data).encode()).hexdigest()[:16]


def base_checksum(data):
    """The checksum of a document's data without its price part."""
    return checksum({k: v for k, v in data.items() if k not in PRICE_KEYS})


def price_part(data):
    return {k: data[k] for k in PRICE_KEYS if k in data}


def document_kind(data, previous):
    """Which document brings a channel from ``previous`` (None: it holds nothing of
    the record; else a dict with ``checksum``, ``base_checksum`` and ``removed``)
    to ``data`` (None: the record is no longer subscribed). None when nothing
    needs sending."""
    if data is None:
        if previous is None or previous["removed"]:
            return None
        return REMOVED
    if previous is None or previous["removed"]:
        return UPSERTED
    if previous["checksum"] == checksum(data):
        return None
    if previous["base_checksum"] == base_checksum(data):
        return PRICE_CHANGED
    return UPSERTED


@functools.cache
def contracts():
    """{(type, version): JSON Schema} of the outbound documents, from the files
    ``outbound_contracts/<type>/<version>.json``."""
    found = {}
    for path in sorted(CONTRACTS_DIR.glob("*/*.json")):
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema)
        found[(path.parent.name, int(path.stem))] = schema
    return found


def problems(document_type, version, document):
    """[(JSON pointer, reason)] of ``document`` against its outbound contract."""
    schema = contracts()[(document_type, version)]
    validator = Draft202012Validator(schema)
    return [
        ("/" + "/".join(str(p) for p in error.absolute_path), error.message)
        for error in validator.iter_errors(document)
    ]
