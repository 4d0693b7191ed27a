"""Fuzzing the live server from its own OpenAPI document (schemathesis).

Every operation of the served /retail_sync/v1/openapi.json gets up to MAX_EXAMPLES
positive and as many negative requests (derandomized: the same requests every run),
sent by a channel with an API key. Every answer must be below 500, JSON, free of
tracebacks, SQL and file paths, and conform to the document (status, content type,
headers, body schema); every event answered accepted must be stored exactly once.
The run's size, time and outcome counts are printed and written to
.local/log/live-fuzz.json.
"""

import collections
import json
import os
import re
import time

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .live_odoo import LOCAL

MAX_EXAMPLES = int(os.environ.get("RS_FUZZ_EXAMPLES", "100"))  # per operation and mode
BUDGET_SECONDS = float(os.environ.get("RS_FUZZ_SECONDS", "150"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# What no answer may show: a traceback, SQL, a file path of the server.
LEAKS = re.compile(
    r"Traceback|File \"|psycopg2|site-packages|odoo/addons|/odoo/|\.py\b|"
    r"/work/|/opt/|/usr/lib|/home/|\bSELECT\s|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|"
    r"\bDELETE\s+FROM\b|\bON CONFLICT\b|\bviolates\b"
)


def leaks(response):
    """Leak markers in the answer that the request itself did not carry (a problem
    may quote the value it refuses)."""
    text = response.content.decode("utf-8", "replace")
    sent = response.request.body or b""
    sent = sent.decode("utf-8", "replace") if isinstance(sent, bytes) else str(sent)
    sent += " " + (response.request.url or "")
    return sorted({m for m in LEAKS.findall(text) if m not in sent})


class Run:
    """Counts of one fuzzing run, and what failed."""

    def __init__(self):
        self.started = time.monotonic()
        self.requests = 0
        self.statuses = collections.Counter()
        self.per_operation = collections.Counter()
        self.results = collections.Counter()  # per event of POST answers
        self.accepted = collections.Counter()  # external id -> times answered accepted
        self.failures = []
        self.out_of_time = 0

    @property
    def seconds(self):
        return time.monotonic() - self.started

    def fail(self, label, response, reason):
        if len(self.failures) < 50:
            self.failures.append(
                {
                    "operation": label,
                    "status": response.status_code,
                    "reason": reason[:500],
                    "url": response.request.url[:300],
                    "request": (response.request.body or b"")[:300].__repr__(),
                    "answer": response.content[:300].decode("utf-8", "replace"),
                }
            )

    def record(self, case, response):
        label = case.operation.label
        self.requests += 1
        self.statuses[response.status_code] += 1
        self.per_operation[f"{label} {response.status_code}"] += 1
        content_type = (response.headers.get("content-type") or [""])[0]
        if not content_type.startswith("application/json"):
            self.fail(label, response, f"content type {content_type!r}")
            return
        try:
            body = json.loads(response.content)
        except ValueError as exc:
            self.fail(label, response, f"body is not JSON: {exc}")
            return
        found = leaks(response)
        if found:
            self.fail(label, response, f"leaks {found}")
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                self.fail(label, response, f"{type(failure).__name__}: {failure.title}")
        if case.operation.method.upper() == "POST" and isinstance(body, dict):
            results = body.get("results", [body])
            for result in results if isinstance(results, list) else []:
                kind = result.get("result") or result.get("error")
                self.results[kind] += 1
                if result.get("result") == "accepted":
                    self.accepted[result.get("id")] += 1

    def summary(self):
        return {
            "examples_per_operation_and_mode": MAX_EXAMPLES,
            "requests": self.requests,
            "seconds": round(self.seconds, 1),
            "statuses": dict(sorted(self.statuses.items())),
            "per_operation": dict(sorted(self.per_operation.items())),
            "event_results": dict(self.results),
            "events_accepted": len(self.accepted),
            "skipped_out_of_time": self.out_of_time,
            "failures": len(self.failures),
        }


def fuzz_operation(run, operation, mode, base_url, session, headers):
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: failures are listed
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy(generation_mode=mode, headers=headers or None))
    def one(case):
        if run.seconds > BUDGET_SECONDS:
            run.out_of_time += 1
            return
        try:
            response = case.call(base_url=base_url, session=session, timeout=60)
        except requests.RequestException as exc:
            run.failures.append({"operation": operation.label, "reason": repr(exc)})
            return
        run.record(case, response)

    try:
        one()
    except Unsatisfiable:
        pass  # nothing to negate in an operation without parameters or body


def test_fuzz_every_operation_of_the_served_document(live_odoo):
    channel_id, key = live_odoo.create_channel("LIVE-FUZZ", rate_limit=0)
    schema = schemathesis.openapi.from_url(
        live_odoo.url + "/retail_sync/v1/openapi.json", timeout=30
    )
    run = Run()
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            secured = operation.method.upper() == "POST"  # the one secured route
            headers = {"Authorization": f"Bearer {key}"} if secured else None
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz_operation(run, operation, mode, live_odoo.url, session, headers)
    # Events answered accepted are stored exactly once, and answered accepted once.
    ids = sorted(run.accepted, key=str)
    stored = collections.Counter(
        row["external_id"]
        for row in live_odoo.events(channel_id, ["external_id"])
        if row["external_id"] in run.accepted
    )
    twice = [i for i in ids if run.accepted[i] != 1]
    not_once = [i for i in ids if stored[i] != 1]
    summary = run.summary()
    summary["accepted_not_stored_once"] = len(not_once)
    report = LOCAL / "log" / "live-fuzz.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        json.dumps({**summary, "failure_list": run.failures}, indent=2, default=str)
    )
    print("live fuzz:", json.dumps(summary, indent=2))
    assert run.requests > 0
    assert run.seconds < 180, summary
    assert not run.failures, json.dumps(run.failures[:10], indent=2, default=str)
    assert not twice, twice[:10]
    assert not not_once, not_once[:10]


def test_every_method_and_path_under_retail_sync_answers_json(live_odoo):
    """What the document lists is fuzzed above; what it does not list (another
    method, an unknown path) answers a JSON 405 with Allow, or a JSON 404."""
    document = requests.get(
        live_odoo.url + "/retail_sync/v1/openapi.json", timeout=30
    ).json()
    answers = []
    for template, item in document["paths"].items():
        path = template.format(type="system.ping", version=1)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            if method.lower() in item:
                continue
            response = requests.request(method, live_odoo.url + path, timeout=30)
            answers.append((method, path, response, 405))
    for path in (
        "/retail_sync/v1/nope",
        "/retail_sync/v2/events",
        "/retail_sync/v1/contracts/system.ping/x",
        "/retail_sync/v1/contracts/no.such.type/1",
    ):
        response = requests.get(live_odoo.url + path, timeout=30)
        answers.append(("GET", path, response, 404))
    wrong = []
    for method, path, response, status in answers:
        content_type = response.headers.get("Content-Type", "")
        problem = None
        if content_type.startswith("application/json"):
            problem = response.json()
        if (
            response.status_code != status
            or not isinstance(problem, dict)
            or problem.get("status") != status
            or (status == 405 and not response.headers.get("Allow"))
        ):
            wrong.append(f"{method} {path}: {response.status_code} {content_type}")
    assert not wrong, wrong
