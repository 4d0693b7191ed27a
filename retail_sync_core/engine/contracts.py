"""Versioned event contracts: JSON Schema documents shipped in each addon's contracts/.

A contract file ``contracts/<type>/<version>.json`` holds the type's metadata (its
domain, the handler model that applies it, its ordering key) and the JSON Schema of its
``data``; the full event schema is the v1 envelope with that
``data``.
Validation uses the ``jsonschema`` library (Draft 2020-12) and reports each problem with
its JSON pointer. A valid event, the common case, is recognised first by
``jsonschema_rs`` (the same draft compiled in Rust, about 20 times faster on our
events): only an event it finds invalid is checked again by ``jsonschema``, whose
verdict and messages are the ones reported.
"""

import copy
import functools
import json
import pathlib
import re
from dataclasses import dataclass, field

import jsonschema_rs
from jsonschema import Draft202012Validator

ENVELOPE_PATH = pathlib.Path(__file__).resolve().parent.parent / "contracts"
ENVELOPE_FILE = "envelope.v1.json"
MAX_ERRORS = 10
_KEY_FIELD = re.compile(r"\{([a-zA-Z0-9_.]+)\}")


class ContractFileError(ValueError):
    """A contract file that cannot be loaded; names the file and the problem."""


@dataclass(frozen=True)
class Contract:
    event_type: str
    version: int
    domain: str
    handler: str
    title: str
    description: str
    ordering_key: str
    absolute_state: bool
    retry: dict
    schema: dict = field(repr=False)


@dataclass(frozen=True)
class Problem:
    pointer: str
    reason: str

    def as_dict(self):
        return {"pointer": self.pointer, "reason": self.reason}


@functools.cache
def _envelope_text():
    return (ENVELOPE_PATH / ENVELOPE_FILE).read_text()


def load_envelope():
    """The v1 envelope schema (a fresh copy: callers may change it)."""
    return json.loads(_envelope_text())


@functools.cache
def shared_envelope():
    """The v1 envelope schema, one object per process, for validation only."""
    return load_envelope()


def compose_schema(envelope, event_type, version, data_schema, title=""):
    """The full event schema: the envelope, with this type, version and data."""
    schema = copy.deepcopy(envelope)
    schema["title"] = title or f"{event_type} v{version}"
    schema["$id"] = f"/retail_sync/v1/contracts/{event_type}/{version}"
    props = schema["properties"]
    props["type"] = {"const": event_type}
    props["schema_version"] = {"const": version}
    props["data"] = data_schema
    return schema


def load_contract_file(path, envelope=None):
    """Read one contract file into a Contract; raise ContractFileError when invalid."""
    path = pathlib.Path(path)
    try:
        raw = json.loads(path.read_text())
        event_type, version = raw["type"], int(raw["version"])
        data_schema = raw["data_schema"]
        Draft202012Validator.check_schema(data_schema)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ContractFileError(f"{path}: {exc}") from exc
    except Exception as exc:  # jsonschema.SchemaError: an invalid schema document
        raise ContractFileError(f"{path}: invalid JSON Schema: {exc}") from exc
    if path.parent.name != event_type or path.stem != str(version):
        raise ContractFileError(
            f"{path}: must be stored as {event_type}/{version}.json"
        )
    handler = raw.get("handler")
    if not isinstance(handler, str) or not handler:
        raise ContractFileError(f"{path}: names no handler model")
    envelope = envelope or load_envelope()
    return Contract(
        event_type=event_type,
        version=version,
        domain=raw.get("domain", "system"),
        handler=handler,
        title=raw.get("title", event_type),
        description=raw.get("description", ""),
        ordering_key=raw.get("ordering_key", event_type),
        absolute_state=bool(raw.get("absolute_state", False)),
        retry=dict(raw.get("retry", {})),
        schema=compose_schema(
            envelope, event_type, version, data_schema, raw.get("title")
        ),
    )


def load_contract_dir(folder):
    """All contracts under ``folder`` (``<type>/<version>.json``), sorted."""
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        return []
    envelope = load_envelope()
    files = sorted(p for p in folder.glob("*/*.json"))
    return [load_contract_file(p, envelope) for p in files]


def json_pointer(path):
    """RFC 6901 pointer of a jsonschema error path."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in path)
    return "".join("/" + p for p in parts)


def _problems(validator, instance):
    fast, full = validator
    try:
        valid = fast is not None and fast.is_valid(instance)
    except Exception:  # a value Rust cannot hold: jsonschema decides
        valid = False
    if valid:
        return []
    errors = sorted(full.iter_errors(instance), key=lambda e: list(e.path))
    return [
        Problem(json_pointer(e.absolute_path), e.message) for e in errors[:MAX_ERRORS]
    ]


_VALIDATORS = {}


def _fast_validator(schema):
    """The Rust validator of ``schema``, or None where it cannot compile it (then
    jsonschema validates alone). Formats are not asserted, as in jsonschema."""
    try:
        return jsonschema_rs.Draft202012Validator(schema, validate_formats=False)
    except Exception:  # e.g. a regex Rust does not support
        return None


def validator_for(schema):
    """(fast, full) validators, compiled once per schema object (schemas come from a
    cache and are not changed in place). The entry keeps the schema alive so its
    id stays its."""
    entry = _VALIDATORS.get(id(schema))
    if entry is None or entry[0] is not schema:
        if len(_VALIDATORS) > 1000:
            _VALIDATORS.clear()
        entry = _VALIDATORS[id(schema)] = (
            schema,
            (_fast_validator(schema), Draft202012Validator(schema)),
        )
    return entry[1]


class UnknownContract(Exception):
    """Type or version not supported; ``supported`` lists what is."""

    def __init__(self, message, supported):
        super().__init__(message)
        self.supported = supported


def _contract_key(event):
    event_type, version = event.get("type"), event.get("schema_version")
    # bool is an int in Python, not in JSON Schema: True must not find version 1.
    if isinstance(event_type, str) and type(version) is int:
        return (event_type, version)
    return None


def check_event(event, contracts, envelope):
    """Validate one event.

    ``contracts`` maps (type, version) to a full event schema. Returns a list of
    Problems (empty when valid); raises UnknownContract for an unknown type/version.
    """
    if not isinstance(event, dict):
        return [Problem("", "an event must be a JSON object")]
    # A known type and version: its full schema contains the envelope, one pass.
    known = contracts.get(_contract_key(event))
    if known is not None:
        return _problems(validator_for(known), event)
    problems = _problems(validator_for(envelope), event)
    if problems:
        return problems
    event_type, version = event["type"], event["schema_version"]
    schema = contracts.get((event_type, version))
    if schema is None:
        versions = sorted(v for (t, v) in contracts if t == event_type)
        if versions:
            raise UnknownContract(
                f"{event_type} has no schema_version {version}", {event_type: versions}
            )
        supported = {}
        for t, v in sorted(contracts):
            supported.setdefault(t, []).append(v)
        raise UnknownContract(f"unknown event type {event_type}", supported)
    return _problems(validator_for(schema), event)


def _lookup(event, dotted):
    value = event
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def ordering_key(template, event):
    """The event's ordering key: its own, else the type's template filled from it.

    A template such as ``pos:{data.store}:{data.register}`` takes values by dotted path;
    a missing value renders as ``-`` so that the key stays stable and visible.
    """
    if event.get("ordering_key"):
        return event["ordering_key"]

    def fill(match):
        value = _lookup(event, match.group(1))
        return "-" if value is None else str(value)

    return _KEY_FIELD.sub(fill, template)
