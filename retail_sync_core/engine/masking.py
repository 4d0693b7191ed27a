"""Mask card-number-like digit runs before a payload is stored.

Point-of-sale payloads sometimes carry a full card number in a free-text field; it
must never reach the database. A run counts as a card number when it has 13 to 19
digits (optionally grouped by single spaces or dashes) and passes the Luhn check.
Identifiers such as barcodes can look exactly like card numbers, so values under
``exempt_keys`` are left alone.
"""

import copy
import re

DEFAULT_EXEMPT_KEYS = frozenset(
    {
        "barcode",
        "ean",
        "gtin",
        "upc",
        "sku",
        "id",
        "ordering_key",
        "receipt_number",
        "order_ref",
        # Platform ids of 13-19 digits pass Luhn about one time in ten: a
        # reference is never a card number.
        "payment_ref",
        "refund_ref",
        "shipment_ref",
        "customer_ref",
        "provider_reference",
    }
)

# A run of ASCII digits whose groups are joined by one space or one dash. Greedy and
# scanned left to right, each match is a whole maximal run, so a card number inside
# a longer reference is never matched on its own.
_DIGIT_RUN = re.compile(r"[0-9]+(?:[ -][0-9]+)*")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_MIN_DIGITS = 13
_MAX_DIGITS = 19
_KEEP_LAST = 4


def luhn_valid(digits):
    """True when ``digits`` (ASCII digits only, no separators) passes Luhn."""
    if not isinstance(digits, str) or not _ASCII_DIGITS.fullmatch(digits):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _is_card_run(run):
    digits = run.replace(" ", "").replace("-", "")
    return _MIN_DIGITS <= len(digits) <= _MAX_DIGITS and luhn_valid(digits)


def _mask_run(match):
    run = match.group(0)
    if not _is_card_run(run):
        return run
    remaining = sum(char.isdigit() for char in run) - _KEEP_LAST
    masked = []
    for char in run:
        if char.isdigit() and remaining > 0:
            masked.append("*")
            remaining -= 1
        else:
            masked.append(char)
    return "".join(masked)


def _is_exempt(key, exempt_keys):
    return isinstance(key, str) and key.lower() in exempt_keys


def mask_card_numbers(obj, exempt_keys=DEFAULT_EXEMPT_KEYS):
    """A copy of ``obj`` with card numbers in string values masked but the last 4.

    Walks dicts, lists and tuples; dict keys and non-string scalars are kept as is.
    Exempt values are copied too, so the result shares nothing mutable with ``obj``.
    """
    if isinstance(obj, str):
        return _DIGIT_RUN.sub(_mask_run, obj)
    if isinstance(obj, dict):
        return {
            key: copy.deepcopy(value)
            if _is_exempt(key, exempt_keys)
            else mask_card_numbers(value, exempt_keys)
            for key, value in obj.items()
        }
    if isinstance(obj, list):
        return [mask_card_numbers(value, exempt_keys) for value in obj]
    if isinstance(obj, tuple):
        return tuple(mask_card_numbers(value, exempt_keys) for value in obj)
    return obj


def contains_card_number(obj, exempt_keys=DEFAULT_EXEMPT_KEYS):
    """True when :func:`mask_card_numbers` would change some string in ``obj``."""
    if isinstance(obj, str):
        return any(_is_card_run(m.group(0)) for m in _DIGIT_RUN.finditer(obj))
    if isinstance(obj, dict):
        return any(
            contains_card_number(value, exempt_keys)
            for key, value in obj.items()
            if not _is_exempt(key, exempt_keys)
        )
    if isinstance(obj, list | tuple):
        return any(contains_card_number(value, exempt_keys) for value in obj)
    return False
