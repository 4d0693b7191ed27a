import copy
import json
import pathlib

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from retail_sync_engine import contracts, openapi

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONTRACT_DIRS = [
    ROOT / "retail_sync_core" / "contracts",
    ROOT / "retail_sync_pos" / "contracts",
    ROOT / "retail_sync_ecom" / "contracts",
    ROOT / "tests" / "addons" / "retail_sync_test_handler" / "contracts",
]
DOC_URI = "urn:retail-sync:openapi"


def as_listed(contract):
    """A contract as the model hands it over (the /contracts listing + schema)."""
    return {
        "type": contract.event_type,
        "version": contract.version,
        "title": contract.title,
        "domain": contract.domain,
        "ordering_key": contract.ordering_key,
        "absolute_state": contract.absolute_state,
        "schema": contract.schema,
    }


@pytest.fixture(scope="module")
def installed():
    loaded = [
        c for folder in CONTRACT_DIRS for c in contracts.load_contract_dir(folder)
    ]
    assert len(loaded) >= 8
    return [as_listed(c) for c in loaded]


@pytest.fixture(scope="module")
def document(installed):
    return openapi.build_document(installed)


def validator(document, pointer):
    """A validator of the schema at ``pointer`` in the document, resolving its
    references inside the document as OpenAPI tools do."""
    resource = Resource(contents=document, specification=DRAFT202012)
    registry = Registry().with_resource(DOC_URI, resource)
    return Draft202012Validator({"$ref": f"{DOC_URI}#{pointer}"}, registry=registry)


def ping(**fields):
    event = {
        "id": "e1",
        "type": "system.ping",
        "schema_version": 1,
        "occurred_at": "2026-11-27T10:00:00+01:00",
        "data": {"message": "hi"},
    }
    event.update(fields)
    return event


BODY = (
    "/paths/~1retail_sync~1v1~1events/post/requestBody/content/application~1json/schema"
)


def test_document_is_valid_openapi_3_1(document):
    validators = pytest.importorskip("openapi_spec_validator")
    # The 3.1 validator itself, not one guessed from the version string.
    validators.validate(document, cls=validators.OpenAPIV31SpecValidator)
    assert document["openapi"].startswith("3.1")
    assert document["jsonSchemaDialect"] == openapi.DIALECT
    # JSON all the way: the served document is its json.dumps.
    assert json.loads(json.dumps(document)) == document


def test_every_route_under_retail_sync_is_documented(document):
    assert {
        (path, method) for path, item in document["paths"].items() for method in item
    } == {
        ("/retail_sync/v1/events", "post"),
        ("/retail_sync/v1/contracts", "get"),
        ("/retail_sync/v1/contracts/{type}/{version}", "get"),
        ("/retail_sync/v1/openapi.json", "get"),
    }
    operation_ids = [
        op["operationId"] for item in document["paths"].values() for op in item.values()
    ]
    assert len(set(operation_ids)) == len(operation_ids)


def test_each_contract_is_a_component_and_an_alternative_of_the_body(
    document, installed
):
    schemas = document["components"]["schemas"]
    alternatives = {ref["$ref"] for ref in schemas["Event"]["oneOf"]}
    assert len(alternatives) == len(installed)
    for contract in installed:
        name = openapi.component_name(contract["type"], contract["version"])
        assert f"#/components/schemas/{name}" in alternatives
        component = schemas[name]
        # The contract's own schema, as it validates events, less $id/$schema.
        expected = {
            k: v for k, v in contract["schema"].items() if k not in ("$id", "$schema")
        }
        assert {k: v for k, v in component.items() if k in expected} == expected
        assert "$id" not in component and "$schema" not in component
        assert component["x-retail-sync-contract"]["url"] == (
            f"/retail_sync/v1/contracts/{contract['type']}/{contract['version']}"
        )
    assert "Envelope" in schemas
    assert "$schema" not in schemas["Envelope"]
    body = document["paths"]["/retail_sync/v1/events"]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {
        "oneOf": [
            {"$ref": "#/components/schemas/Event"},
            {"$ref": "#/components/schemas/Batch"},
        ]
    }


def test_body_schema_accepts_what_the_contracts_accept(document, installed):
    body = validator(document, BODY)
    schemas = {(c["type"], c["version"]): c["schema"] for c in installed}
    envelope = contracts.load_envelope()
    good = ping()
    bad = [
        ping(data={"message": 3}),
        ping(occurred_at="yesterday"),
        ping(schema_version=True),
        ping(extra=1),
        {"events": []},
        {"events": [ping()], "more": 1},
        [ping()],
    ]
    assert contracts.check_event(good, schemas, envelope) == []
    assert body.is_valid(good)
    assert body.is_valid({"events": [good, ping(id="e2")]})
    for event in bad:
        assert not body.is_valid(event), event
    # A batch with one bad event is not a valid body (the server answers it 207).
    assert not body.is_valid({"events": [good, ping(data={"message": 3})]})


def test_request_examples_are_valid(document):
    body = validator(document, BODY)
    media = document["paths"]["/retail_sync/v1/events"]["post"]["requestBody"][
        "content"
    ]["application/json"]
    assert set(media["examples"]) == {"event", "batch"}
    for example in media["examples"].values():
        assert body.is_valid(example["value"]), example


def test_answers_of_the_events_route(document):
    post = document["paths"]["/retail_sync/v1/events"]["post"]
    assert set(post["responses"]) == {
        "200",
        "202",
        "207",
        "400",
        "401",
        "403",
        "409",
        "413",
        "415",
        "422",
        "429",
        "500",
        "503",
    }
    assert post["security"] == [{"channelKey": []}]
    scheme = document["components"]["securitySchemes"]["channelKey"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    headers = {p["$ref"].rsplit("/", 1)[1] for p in post["parameters"]}
    assert headers == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "X-Retail-Sync-Signature",
    }
    responses = document["components"]["responses"]
    assert "Retry-After" in responses["TooManyRequests"]["headers"]
    assert "Retry-After" in responses["ServiceUnavailable"]["headers"]
    assert "Allow" in responses["MethodNotAllowed"]["headers"]
    assert "WWW-Authenticate" in responses["Unauthorized"]["headers"]


@pytest.mark.parametrize(
    ("pointer", "body"),
    [
        # responses.py problem(): status, error, message, plus details.
        (
            "/components/schemas/Problem",
            {"status": 429, "error": "rate_limited", "message": "m", "retry_after": 2},
        ),
        (
            "/components/schemas/Problem",
            {
                "status": 422,
                "error": "invalid",
                "message": "m",
                "id": None,
                "problems": [{"pointer": "/data", "reason": "r"}],
            },
        ),
        (
            "/components/schemas/Problem",
            {
                "status": 422,
                "error": "unknown_contract",
                "message": "m",
                "id": 7,
                "supported": {"system.ping": [1]},
            },
        ),
        (
            "/components/schemas/EventResult",
            {"status": 202, "result": "accepted", "id": "e1", "state": "queued"},
        ),
        (
            "/components/schemas/BatchResult",
            {
                "status": 207,
                "accepted": 1,
                "duplicates": 0,
                "rejected": 1,
                "results": [
                    {
                        "status": 202,
                        "result": "accepted",
                        "id": "e1",
                        "state": "queued",
                    },
                    {"status": 409, "error": "conflict", "message": "m", "id": "e2"},
                ],
            },
        ),
    ],
)
def test_answer_bodies_match_their_schemas(document, pointer, body):
    validator(document, pointer).validate(body)


def test_problem_needs_status_error_message(document):
    problem = validator(document, "/components/schemas/Problem")
    assert not problem.is_valid({"status": 400, "error": "malformed_json"})
    assert not problem.is_valid({"status": 200, "error": "x", "message": "m"})


def test_inputs_are_not_changed_and_not_shared(installed):
    before = copy.deepcopy(installed)
    document = openapi.build_document(installed)
    assert installed == before
    component = document["components"]["schemas"]["system.ping.v1"]
    component["properties"]["data"]["x"] = 1
    assert (
        "x"
        not in next(c for c in installed if c["type"] == "system.ping")["schema"][
            "properties"
        ]["data"]
    )


def test_local_references_are_rebased_onto_the_component():
    data_schema = {
        "type": "object",
        "properties": {
            "code": {"$ref": "#/$defs/code"},
            "$ref": {"type": "integer"},  # a property named $ref: not a reference
        },
        "examples": [{"$ref": "#/not/rebased"}],
    }
    schema = contracts.compose_schema(
        contracts.load_envelope(), "test.refs", 2, data_schema
    )
    schema["$defs"] = {"code": {"type": "string", "maxLength": 3}}
    document = openapi.build_document(
        [{"type": "test.refs", "version": 2, "schema": schema}]
    )
    component = document["components"]["schemas"]["test.refs.v2"]
    data = component["properties"]["data"]
    assert data["properties"]["code"] == {
        "$ref": "#/components/schemas/test.refs.v2/$defs/code"
    }
    assert data["properties"]["$ref"] == {"type": "integer"}
    assert data["examples"] == [{"$ref": "#/not/rebased"}]
    assert component["$comment"] == "served at /retail_sync/v1/contracts/test.refs/2"
    event = validator(document, "/components/schemas/Event")
    good = {
        "id": "x",
        "type": "test.refs",
        "schema_version": 2,
        "occurred_at": "2026-11-27T10:00:00Z",
        "data": {"code": "abc"},
    }
    assert event.is_valid(good)
    assert not event.is_valid({**good, "data": {"code": "abcd"}})


def test_without_contracts_the_body_is_the_envelope():
    document = openapi.build_document([])
    assert document["components"]["schemas"]["Event"]["$ref"] == (
        "#/components/schemas/Envelope"
    )
    assert (
        "examples"
        not in document["paths"]["/retail_sync/v1/events"]["post"]["requestBody"][
            "content"
        ]["application/json"]
    )
    validators = pytest.importorskip("openapi_spec_validator")
    validators.validate(document, cls=validators.OpenAPIV31SpecValidator)


def test_same_contracts_same_document(installed):
    assert json.dumps(openapi.build_document(installed)) == json.dumps(
        openapi.build_document(list(reversed(installed)))
    )
