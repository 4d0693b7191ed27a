"""Checks of a parsed request body that JSON Schema does not make: how deep it nests,
and whether PostgreSQL can store its strings.

PostgreSQL refuses a NUL character in text and in jsonb, and a lone UTF-16 surrogate
(``"\\ud800"``) in jsonb; Python's json accepts both. An event carrying one is refused
on its own, with a pointer to the value, instead of failing the whole request.
"""

import json
import math

from .contracts import json_pointer

# Containers deeper than this are refused (the envelope and every contract need far
# less); Python's json would recurse into a RecursionError at about 1,000.
DEFAULT_MAX_DEPTH = 32


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON value")


def loads(body):
    """Parse a request body as strict JSON (RFC 8259): NaN, Infinity and numbers
    beyond a double's range are refused, as PostgreSQL's jsonb would refuse them."""
    return json.loads(body, parse_float=_finite_float, parse_constant=_no_constant)


def depth_beyond(value, max_depth):
    """The path of the first container nested deeper than ``max_depth`` (the value
    itself at depth 1), or None. Iterative: a hostile body cannot exhaust the stack."""
    stack = [(value, 1, ())]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict | list):
            if depth > max_depth:
                return path
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((child, depth + 1, (*path, key)) for key, child in items)
    return None


def _unstorable_reason(text):
    if "\x00" in text:
        return "contains a NUL character, which cannot be stored"
    for char in text:
        if "\ud800" <= char <= "\udfff":
            return "contains a lone UTF-16 surrogate, which is not valid Unicode"
    return None


def unstorable_string(value):
    """(pointer, reason) of the first string, key or value, that PostgreSQL cannot
    store, or None."""
    stack = [(value, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            reason = _unstorable_reason(node)
            if reason:
                return json_pointer(path), reason
        elif isinstance(node, dict):
            for key, child in node.items():
                reason = _unstorable_reason(key)
                if reason:
                    return json_pointer((*path, key)), f"a key {reason}"
                stack.append((child, (*path, key)))
        elif isinstance(node, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(node))
    return None
