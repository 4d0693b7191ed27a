"""The OpenAPI 3.1 document of every route under /retail_sync/.

Built from the same JSON Schemas the contracts validate with: JSON Schema 2020-12 is
OpenAPI 3.1's own dialect, so each contract's full event schema becomes a component as
it is, and the request body of ``POST /retail_sync/v1/events`` is one event (``oneOf``
the contracts) or a batch of them. The answers are those of
``controllers/responses.py``: one problem body for every refusal.

Plain Python: the model passes the installed contracts in, the controller serves the
result.
"""

import copy

from .contracts import load_envelope

OPENAPI_VERSION = "3.1.0"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
API_VERSION = "1"
PREFIX = "/retail_sync/v1"

# Keywords whose values are instances, not schemas: a "$ref" key in there is data.
_INSTANCE_KEYWORDS = frozenset({"const", "enum", "default", "examples", "example"})

SIGNATURE_HEADERS = (
    (
        "webhook-id",
        "Standard Webhooks: a unique id of this request (with a signing secret).",
        {"type": "string", "minLength": 1, "maxLength": 256},
    ),
    (
        "webhook-timestamp",
        "Standard Webhooks: Unix time of signing, in seconds; a request signed "
        "outside the tolerance window (5 minutes by default) is refused.",
        {"type": "string", "pattern": "^[0-9]{1,12}$"},
    ),
    (
        "webhook-signature",
        "Standard Webhooks: space-separated `v1,<base64 HMAC-SHA256 of "
        "{id}.{timestamp}.{body}>` values, one per valid secret.",
        {"type": "string", "minLength": 1, "maxLength": 2048},
    ),
    (
        "X-Retail-Sync-Signature",
        "Deprecated: `sha256=<hex HMAC-SHA256 of the raw body>`; carries no "
        "timestamp. Accepted for existing channels until its announced sunset.",
        {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
    ),
)

PROBLEMS = {
    # status: (component name, description, extra headers)
    400: ("BadRequest", "`malformed_json`: the body is not JSON.", ()),
    401: (
        "Unauthorized",
        "`missing_credentials`, `bad_credentials`, `bad_signature`: nothing was "
        "written; fix the credentials.",
        ("WWW-Authenticate",),
    ),
    403: (
        "Forbidden",
        "`no_channel`: the key belongs to no active channel; `type_not_allowed`: "
        "the channel may not send this type and version.",
        (),
    ),
    404: ("NotFound", "No such contract, or no such route under /retail_sync/.", ()),
    405: (
        "MethodNotAllowed",
        "The route does not take this method; `Allow` lists those it takes.",
        ("Allow",),
    ),
    409: (
        "Conflict",
        "`conflict`: the id was already received with a different payload; use a "
        "new id for a new event.",
        (),
    ),
    413: (
        "PayloadTooLarge",
        "`body_too_large`, `batch_too_large`: over the channel's limits (body size, "
        "batch size, nesting depth, burst); send smaller batches.",
        (),
    ),
    415: (
        "UnsupportedMediaType",
        "The body is not `application/json`.",
        (),
    ),
    422: (
        "Unprocessable",
        "`invalid`: the event breaks its contract (`problems` lists JSON pointers "
        "and reasons); `unknown_contract`: unknown type or version (`supported` "
        "lists them). Fix and resend.",
        (),
    ),
    429: (
        "TooManyRequests",
        "`rate_limited`: over the channel's rate limit; wait `Retry-After` seconds, "
        "then resend.",
        ("Retry-After",),
    ),
    500: (
        "InternalError",
        "`internal_error`: a server fault; nothing of the request was stored. "
        "Retry later.",
        (),
    ),
    503: (
        "ServiceUnavailable",
        "The server is starting, or its database is unreachable: nothing was "
        "stored. Retry after `Retry-After` seconds.",
        ("Retry-After",),
    ),
}

HEADERS = {
    "Retry-After": {
        "description": "Seconds to wait before sending again.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "Allow": {
        "description": "The methods this route takes, comma-separated.",
        "schema": {"type": "string"},
    },
    "WWW-Authenticate": {
        "description": "`Bearer`: send the channel's API key.",
        "schema": {"type": "string"},
    },
}


def _ref(kind, name):
    return {"$ref": f"#/components/{kind}/{name}"}


def _rebase(node, prefix):
    """``node`` with every local ``$ref`` ("#...") pointing under ``prefix``."""
    if isinstance(node, list):
        return [_rebase(item, prefix) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            result[key] = prefix + value[1:]
        elif key in _INSTANCE_KEYWORDS:
            result[key] = copy.deepcopy(value)
        else:
            result[key] = _rebase(value, prefix)
    return result


def schema_component(schema, name):
    """A stand-alone JSON Schema as a component named ``name``.

    ``$schema`` goes (the document declares the dialect once) and so does ``$id``: a
    relative ``$id`` would change the base URI that tools resolve references against.
    Local references ("#/$defs/x") are rebased onto the component's own place.
    """
    component = _rebase(schema, f"#/components/schemas/{name}")
    component.pop("$schema", None)
    schema_id = component.pop("$id", None)
    if schema_id:
        component.setdefault("$comment", f"served at {schema_id}")
    return component


def component_name(event_type, version):
    """The component name of a contract's event schema, e.g. pos.sale.completed.v1."""
    return f"{event_type}.v{version}"


def _sorted_contracts(contracts):
    return sorted(contracts, key=lambda c: (c["type"], c["version"]))


def _event_schemas(contracts, envelope):
    schemas = {"Envelope": schema_component(envelope, "Envelope")}
    refs = []
    for contract in contracts:
        name = component_name(contract["type"], contract["version"])
        component = schema_component(contract["schema"], name)
        component["x-retail-sync-contract"] = {
            "type": contract["type"],
            "version": contract["version"],
            "domain": contract.get("domain"),
            "ordering_key": contract.get("ordering_key"),
            "absolute_state": bool(contract.get("absolute_state")),
            "url": f"{PREFIX}/contracts/{contract['type']}/{contract['version']}",
        }
        schemas[name] = component
        refs.append(_ref("schemas", name))
    schemas["Event"] = {
        "description": "One event: the envelope with the `data` of its type and "
        "version. Each alternative is the full schema of one installed contract.",
        # An empty oneOf is no schema: without contracts the envelope is all there is.
        **({"oneOf": refs} if refs else _ref("schemas", "Envelope")),
    }
    schemas["Batch"] = {
        "type": "object",
        "description": "A batch of events, at most the channel's batch size (1000 by "
        "default). Each event is answered on its own.",
        "required": ["events"],
        "additionalProperties": False,
        "properties": {
            "events": {
                "type": "array",
                "minItems": 1,
                "items": _ref("schemas", "Event"),
            }
        },
    }
    return schemas


def _answer_schemas():
    return {
        "Problem": {
            "type": "object",
            "description": "The one error body of the API.",
            "required": ["status", "error", "message"],
            "properties": {
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "error": {"type": "string", "description": "A stable error code."},
                "message": {"type": "string"},
                "id": {"description": "The event's id as sent, when it had one."},
                "problems": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["pointer", "reason"],
                        "properties": {
                            "pointer": {
                                "type": "string",
                                "description": "RFC 6901 JSON pointer into the event.",
                            },
                            "reason": {"type": "string"},
                        },
                    },
                },
                "supported": {
                    "type": "object",
                    "description": "The supported versions of each event type.",
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "integer"},
                    },
                },
                "retry_after": {"type": "integer", "minimum": 0},
            },
        },
        "EventResult": {
            "type": "object",
            "description": "A stored event: accepted now, or a duplicate of one "
            "stored before (never applied twice).",
            "required": ["status", "result", "id", "state"],
            "properties": {
                "status": {"enum": [200, 202]},
                "result": {"enum": ["accepted", "duplicate"]},
                "id": {"type": "string"},
                "state": {"type": "string", "description": "The stored event's state."},
            },
        },
        "BatchResult": {
            "type": "object",
            "description": "One result per event, in order: 202 when all were "
            "accepted, 200 when all were duplicates, else 207.",
            "required": ["status", "accepted", "duplicates", "rejected", "results"],
            "properties": {
                "status": {"enum": [200, 202, 207]},
                "accepted": {"type": "integer", "minimum": 0},
                "duplicates": {"type": "integer", "minimum": 0},
                "rejected": {"type": "integer", "minimum": 0},
                "results": {
                    "type": "array",
                    "items": {
                        "oneOf": [
                            _ref("schemas", "EventResult"),
                            _ref("schemas", "Problem"),
                        ]
                    },
                },
            },
        },
        "ContractIndex": {
            "type": "object",
            "required": ["envelope_version", "contracts"],
            "properties": {
                "envelope_version": {"type": "integer"},
                "contracts": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["type", "version", "url"],
                        "properties": {
                            "type": {"type": "string"},
                            "version": {"type": "integer"},
                            "title": {"type": "string"},
                            "domain": {"type": "string"},
                            "ordering_key": {"type": "string"},
                            "absolute_state": {"type": "boolean"},
                            "url": {"type": "string"},
                        },
                    },
                },
            },
        },
        "JsonSchema": {
            "type": "object",
            "description": "A JSON Schema 2020-12 document: the full schema of an "
            "event of this type and version.",
        },
        "OpenApiDocument": {
            "type": "object",
            "description": "This document.",
            "required": ["openapi", "info", "paths"],
        },
    }


def _json(schema_or_ref, description, headers=()):
    content = {"schema": schema_or_ref}
    response = {"description": description, "content": {"application/json": content}}
    if headers:
        response["headers"] = {name: _ref("headers", name) for name in headers}
    return response


def _responses():
    responses = {
        name: _json(_ref("schemas", "Problem"), description, headers)
        for name, description, headers in PROBLEMS.values()
    }
    one_or_batch = {
        "oneOf": [_ref("schemas", "EventResult"), _ref("schemas", "BatchResult")]
    }
    responses["Accepted"] = _json(
        one_or_batch,
        "Stored and queued: the event, or every event of the batch.",
    )
    responses["Duplicate"] = _json(
        one_or_batch,
        "Already received with the same payload (the event, or every event of "
        "the batch): nothing done; `state` tells its state.",
    )
    responses["MultiStatus"] = _json(
        _ref("schemas", "BatchResult"),
        "A batch whose events did not all end alike: resend only the rejected ones "
        "(resending all is safe).",
    )
    return responses


def _problem_refs(*statuses):
    return {str(s): _ref("responses", PROBLEMS[s][0]) for s in statuses}


def _examples(contracts):
    """Request examples: a ping, when system.ping is installed."""
    if not any(c["type"] == "system.ping" and c["version"] == 1 for c in contracts):
        return None
    event = {
        "id": "till-7-000123",
        "type": "system.ping",
        "schema_version": 1,
        "occurred_at": "2026-11-27T10:00:00+01:00",
        "data": {"message": "hello"},
    }
    return {
        "event": {"summary": "One event", "value": event},
        "batch": {"summary": "A batch", "value": {"events": [event]}},
    }


def _paths(contracts):
    signature_params = [
        {"$ref": f"#/components/parameters/{name}"}
        for name, _d, _s in SIGNATURE_HEADERS
    ]
    body = {"schema": {"oneOf": [_ref("schemas", "Event"), _ref("schemas", "Batch")]}}
    examples = _examples(contracts)
    if examples:
        body["examples"] = examples
    post_events = {
        "operationId": "postEvents",
        "summary": "Send one event or a batch of events",
        "description": "Authenticated with the channel's API key; signed when the "
        "channel has a signing secret. A single event gets its own status; a batch "
        "answers 202, 200 or 207 with one result per event, in order.",
        "tags": ["events"],
        "security": [{"channelKey": []}],
        "parameters": signature_params,
        "requestBody": {
            "required": True,
            "content": {"application/json": body},
        },
        "responses": {
            "200": _ref("responses", "Duplicate"),
            "202": _ref("responses", "Accepted"),
            "207": _ref("responses", "MultiStatus"),
            **_problem_refs(400, 401, 403, 409, 413, 415, 422, 429, 500, 503),
        },
    }
    get_index = {
        "operationId": "listContracts",
        "summary": "Every event type and version, with its default ordering key",
        "tags": ["contracts"],
        "responses": {
            "200": _json(_ref("schemas", "ContractIndex"), "The installed contracts."),
            **_problem_refs(503),
        },
    }
    get_schema = {
        "operationId": "getContract",
        "summary": "The full JSON Schema of an event of one type and version",
        "tags": ["contracts"],
        "parameters": [
            {
                "name": "type",
                "in": "path",
                "required": True,
                "description": "Event type, e.g. pos.sale.completed.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                "examples": {
                    event_type: {"value": event_type}
                    for event_type in sorted({c["type"] for c in contracts})
                },
            },
            {
                "name": "version",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
            },
        ],
        "responses": {
            "200": _json(_ref("schemas", "JsonSchema"), "The event's JSON Schema."),
            **_problem_refs(404, 503),
        },
    }
    get_document = {
        "operationId": "getOpenApiDocument",
        "summary": "This OpenAPI 3.1 document",
        "tags": ["contracts"],
        "responses": {
            "200": _json(_ref("schemas", "OpenApiDocument"), "This document."),
            **_problem_refs(503),
        },
    }
    if not get_schema["parameters"][0]["examples"]:
        del get_schema["parameters"][0]["examples"]
    return {
        f"{PREFIX}/events": {"post": post_events},
        f"{PREFIX}/contracts": {"get": get_index},
        f"{PREFIX}/contracts/{{type}}/{{version}}": {"get": get_schema},
        f"{PREFIX}/openapi.json": {"get": get_document},
    }


def build_document(contracts, envelope=None, version=API_VERSION):
    """The OpenAPI 3.1 document of the API, for these contracts.

    ``contracts``: mappings with ``type``, ``version``, ``schema`` (the full event
    schema) and optionally ``title``, ``domain``, ``ordering_key`` and
    ``absolute_state``, as ``GET /retail_sync/v1/contracts`` lists them. Nothing
    passed in is changed; the document shares no object with the input.
    """
    contracts = _sorted_contracts(contracts)
    envelope = load_envelope() if envelope is None else envelope
    listing = "\n".join(
        f"- `{c['type']}` v{c['version']}: {c.get('title') or c['type']}"
        for c in contracts
    )
    parameters = {
        name: {
            "name": name,
            "in": "header",
            "required": False,
            "description": description,
            "schema": dict(schema),
        }
        for name, description, schema in SIGNATURE_HEADERS
    }
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": DIALECT,
        "info": {
            "title": "Retail Sync channel API",
            "version": str(version),
            "summary": "Events from store POS and storefronts into Odoo",
            "description": "Every answer under /retail_sync/ is JSON, never HTML or "
            "a traceback: a method a route does not take gets a 405 problem with "
            "`Allow`, an unknown path a 404 problem.\n\nInstalled contracts:\n"
            + (listing or "(none)"),
            "license": {"name": "LGPL-3.0-or-later", "identifier": "LGPL-3.0-or-later"},
        },
        "tags": [
            {"name": "events", "description": "Sending events"},
            {"name": "contracts", "description": "Event contracts, as JSON Schema"},
        ],
        "paths": _paths(contracts),
        "components": {
            "schemas": {**_event_schemas(contracts, envelope), **_answer_schemas()},
            "responses": _responses(),
            "parameters": parameters,
            "headers": copy.deepcopy(HEADERS),
            "securitySchemes": {
                "channelKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The Odoo API key of the channel's integration "
                    "user (Configuration > Channels > New API key).",
                }
            },
        },
    }
