# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Native message -> canonical events, by rules of JMESPath expressions.

A rule is a plain dict (``retail.sync.mapping.rule._spec()`` builds it)::

    {"name", "topic", "condition", "for_each", "event_type", "schema_version",
     "id", "occurred_at", "ordering_key", "sequence",
     "fields": [{"target", "expression", "transform", "argument", "required"}]}

Expressions are evaluated against the *document* of one message::

    {"body": <the native payload>, "headers": {<lower-case name>: value},
     "topic": "orders/create", "delivery_id": "...", "received_at": "<ISO now>",
     "item": <for_each element>}

A field's ``target`` is a path in the canonical ``data``: ``customer.email`` sets a
nested value; ``lines[]`` names the list to build (its expression yields the native
items); ``lines[].sku`` is evaluated against each of those items in turn.
Every failure is a MappingError naming the canonical field.
"""

import fnmatch
import json
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import jmespath
from jmespath.exceptions import JMESPathError

TRANSFORMS = [
    ("", "As is"),
    ("string", "Text"),
    ("decimal", "Decimal number (argument: decimals to round to)"),
    ("abs_decimal", "Decimal number, sign dropped (argument: decimals)"),
    ("integer", "Whole number"),
    ("boolean", "True/false"),
    ("datetime", "Date and time (ISO 8601, UTC when no offset)"),
    ("date", "Date (YYYY-MM-DD)"),
    ("lowercase", "Lower case"),
    ("uppercase", "Upper case"),
    ("strip", "Text without surrounding spaces"),
    ("constant", "Constant (the argument, JSON or text)"),
    ("map", "Value map (the argument: a JSON object)"),
    ("binding", "Lookup through a binding (argument: kind or kind:field)"),
]
TRUE_WORDS = {"1", "true", "yes", "y", "on"}
FALSE_WORDS = {"0", "false", "no", "n", "off", ""}


class MappingError(Exception):
    """A native message that the mapping cannot turn into its canonical event."""

    def __init__(self, field, reason):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class TransformError(ValueError):
    """Raised by a transform; the caller names the field."""


# ------------------------------------------------------------------ expressions
_COMPILED = {}


def compile_expression(text):
    """The parsed JMESPath expression (cached); JMESPathError when invalid."""
    parsed = _COMPILED.get(text)
    if parsed is None:
        parsed = jmespath.compile(text)
        if len(_COMPILED) > 2000:
            _COMPILED.clear()
        _COMPILED[text] = parsed
    return parsed


def expression_problem(text):
    """Why ``text`` is not a valid JMESPath expression, or None."""
    if not text:
        return None
    try:
        compile_expression(text)
    except JMESPathError as exc:
        return str(exc).replace("\n", " ")
    return None


def search(text, document, field):
    try:
        return compile_expression(text).search(document)
    except JMESPathError as exc:
        raise MappingError(
            field, f"expression `{text}` failed: {str(exc).splitlines()[0]}"
        ) from exc


def build_document(body, headers, topic, delivery_id, received_at=None):
    received_at = received_at or datetime.now(UTC)
    return {
        "body": body,
        "headers": {str(k).lower(): v for k, v in (headers or {}).items()},
        "topic": topic,
        "delivery_id": delivery_id,
        "received_at": received_at.isoformat(timespec="seconds"),
    }


# ------------------------------------------------------------------ transforms
def _decimal(value):
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise TransformError(f"{_show(value)} is not a decimal number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise TransformError(f"{_show(value)} is not a decimal number") from exc
    if not number.is_finite():
        raise TransformError(f"{_show(value)} is not a finite number")
    return number


def _json_number(number, argument=None):
    if argument not in (None, ""):
        try:
            places = int(argument)
        except ValueError as exc:
            raise TransformError(f"{argument!r} is not a number of decimals") from exc
        # JMESPath sums in binary floats (29.900000000000002): money is rounded
        # half up to the currency's decimals.
        number = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    # Exact decimal text -> the nearest float prints back as the same digits.
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _datetime(value, argument):
    if isinstance(value, bool):
        raise TransformError(f"{_show(value)} is not a date and time")
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, UTC)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith("Z") or text.endswith("z"):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise TransformError(f"{_show(value)} is not a date and time") from exc
        if moment.tzinfo is None:
            # A platform field without offset (WooCommerce's *_gmt) is UTC.
            moment = moment.replace(tzinfo=UTC)
    else:
        raise TransformError(f"{_show(value)} is not a date and time")
    if argument == "utc":
        moment = moment.astimezone(UTC)
    spec = "microseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec)


def _constant(argument):
    if argument in (None, ""):
        return None
    try:
        return json.loads(argument)
    except ValueError:
        return argument


def apply_transform(name, value, argument=None, lookup=None):
    """The transformed value; TransformError saying why not."""
    if name == "constant":
        return _constant(argument)
    if value is None:
        return None
    if name in ("", None):
        return value
    if name == "string":
        if isinstance(value, dict | list | bool):
            raise TransformError(f"{_show(value)} is not a text or a number")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    if name == "decimal":
        return _json_number(_decimal(value), argument)
    if name == "abs_decimal":
        return _json_number(abs(_decimal(value)), argument)
    if name == "integer":
        number = _decimal(value)
        if number != number.to_integral_value():
            raise TransformError(f"{_show(value)} is not a whole number")
        return int(number)
    if name == "boolean":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise TransformError(f"{_show(value)} is not true or false")
    if name == "datetime":
        return _datetime(value, argument)
    if name == "date":
        return _datetime(value, argument)[:10]
    if name in ("lowercase", "uppercase", "strip"):
        if not isinstance(value, str):
            raise TransformError(f"{_show(value)} is not a text")
        return {"lowercase": str.lower, "uppercase": str.upper, "strip": str.strip}[
            name
        ](value)
    if name == "map":
        try:
            table = json.loads(argument or "{}")
        except ValueError as exc:
            raise TransformError("the value map is not a JSON object") from exc
        if not isinstance(table, dict):
            raise TransformError("the value map is not a JSON object")
        key = value if isinstance(value, str) else json.dumps(value)
        if key in table:
            return table[key]
        if "*" in table:
            return table["*"]
        raise TransformError(f"{_show(value)} is not in the value map")
    if name == "binding":
        if lookup is None:
            raise TransformError("no binding lookup is available here")
        kind, _sep, field = (argument or "").partition(":")
        if not kind:
            raise TransformError("the binding transform needs a kind as argument")
        return lookup(kind, str(value), field or None)
    raise TransformError(f"unknown transform {name!r}")


def _show(value):
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


# ------------------------------------------------------------------ rules
def topic_matches(pattern, topic):
    """A rule's topic pattern (``orders/create``, ``customers/*``, ``*``)."""
    return fnmatch.fnmatchcase((topic or "").lower(), (pattern or "").lower())


def truthy(value):
    """JMESPath's truth: false, null, empty text/list/object are false."""
    return value not in (None, False, "", [], {})


def rule_applies(rule, document):
    if not topic_matches(rule["topic"], document.get("topic")):
        return False
    if rule.get("condition"):
        return truthy(search(rule["condition"], document, "condition"))
    return True


def _value(spec, document, field, lookup, required):
    expression = spec.get("expression") or ""
    transform = spec.get("transform") or ""
    value = search(expression, document, field) if expression else None
    try:
        value = apply_transform(transform, value, spec.get("argument"), lookup)
    except TransformError as exc:
        raise MappingError(field, str(exc)) from exc
    if value is None and required:
        if expression:
            raise MappingError(field, f"`{expression}` found nothing in the message")
        raise MappingError(field, "no expression gives this field a value")
    return value


def _set_path(target, path, value):
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise MappingError(f"data.{path}", f"{part} is already a value")
    target[parts[-1]] = value


def _parse_fields(fields):
    """(plain fields, {list path: (list field, [item fields])}) in given order."""
    plain, lists = [], {}
    for spec in fields:
        target = (spec.get("target") or "").strip()
        if not target:
            raise MappingError("data", "a field has no target")
        if target.endswith("[]"):
            path = target[:-2]
            if "[]" in path:
                raise MappingError(f"data.{target}", "lists nest one level only")
            lists.setdefault(path, [None, []])[0] = spec
        elif "[]." in target:
            path, _sep, rest = target.partition("[].")
            if "[]" in rest:
                raise MappingError(f"data.{target}", "lists nest one level only")
            lists.setdefault(path, [None, []])[1].append((rest, spec))
        else:
            plain.append((target, spec))
    for path, (source, _items) in lists.items():
        if source is None:
            raise MappingError(
                f"data.{path}",
                f"item fields need a `{path}[]` field naming the native list",
            )
    return plain, lists


def map_event(rule, document, lookup=None):
    """The canonical event of one document under one rule; MappingError."""
    event = {
        "id": _value(rule.get("id") or {}, document, "id", lookup, True),
        "type": rule["event_type"],
        "schema_version": rule["schema_version"],
    }
    occurred = dict(rule.get("occurred_at") or {})
    occurred.setdefault("transform", "datetime")
    event["occurred_at"] = _value(occurred, document, "occurred_at", lookup, True)
    id_value = event["id"]
    if not isinstance(id_value, str):
        event["id"] = apply_transform("string", id_value)
    for name, transform in (("ordering_key", "string"), ("sequence", "integer")):
        spec = rule.get(name) or {}
        if spec.get("expression"):
            value = _value(
                {"transform": transform, **spec}, document, name, lookup, False
            )
            if value is not None:
                event[name] = value
    data = {}
    plain, lists = _parse_fields(rule.get("fields") or [])
    for target, spec in plain:
        value = _value(spec, document, f"data.{target}", lookup, spec.get("required"))
        if value is not None:
            _set_path(data, target, value)
    for path, (source, item_fields) in lists.items():
        field = f"data.{path}"
        items = _value(
            {**source, "transform": ""}, document, field, lookup, source.get("required")
        )
        if items is None:
            continue
        if not isinstance(items, list):
            raise MappingError(field, f"`{source['expression']}` is not a list")
        built = []
        for position, item in enumerate(items):
            element = {}
            for rest, spec in item_fields:
                value = _value(
                    spec,
                    item,
                    f"{field}[{position}].{rest}",
                    lookup,
                    spec.get("required"),
                )
                if value is not None:
                    _set_path(element, rest, value)
            built.append(element)
        _set_path(data, path, built)
    event["data"] = data
    return event


def map_rule(rule, document, lookup=None):
    """The canonical events of one rule: one, or one per ``for_each`` item."""
    if not rule.get("for_each"):
        return [map_event(rule, document, lookup)]
    items = search(rule["for_each"], document, "for_each")
    if items is None:
        return []
    if not isinstance(items, list):
        raise MappingError("for_each", f"`{rule['for_each']}` is not a list")
    return [map_event(rule, {**document, "item": item}, lookup) for item in items]


def skeleton(rule, document):
    """What can be said of the event a failed mapping was for (a dead letter's
    payload): its id, date and the plain data fields that do map (so that its
    ordering key is the entity's), the rest left out."""
    event = {"type": rule["event_type"], "schema_version": rule["schema_version"]}
    for name in ("id", "occurred_at"):
        try:
            spec = dict(rule.get(name) or {})
            if name == "occurred_at":
                spec.setdefault("transform", "datetime")
            value = _value(spec, document, name, None, False)
        except MappingError:
            value = None
        if value is not None:
            event[name] = str(value)
    data = {}
    try:
        plain, _lists = _parse_fields(rule.get("fields") or [])
    except MappingError:
        plain = []
    for target, spec in plain:
        if spec.get("transform") == "binding":
            continue
        try:
            value = _value(spec, document, f"data.{target}", None, False)
            if value is not None:
                _set_path(data, target, value)
        except MappingError:
            continue
    event["data"] = data
    return event
