# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""JSON answers of the machine endpoints: never HTML, never a traceback.

The inbox says what became of a request (engine/outcomes.py); this module alone says
which HTTP status and body that is."""

import json

from werkzeug.wrappers import Response

from ..engine import outcomes, signing

EVENT_STATUS = {
    outcomes.ACCEPTED: 202,
    outcomes.DUPLICATE: 200,
    outcomes.CONFLICT: 409,
    outcomes.INVALID: 422,
    outcomes.UNKNOWN_CONTRACT: 422,
    outcomes.NOT_ALLOWED: 403,
}
REFUSAL_STATUS = {
    outcomes.BAD_SIGNATURE: 401,
    outcomes.MALFORMED: 400,
    outcomes.TOO_DEEP: 422,
    outcomes.EMPTY_BATCH: 422,
    outcomes.BATCH_TOO_LARGE: 413,
    outcomes.RATE_LIMITED: 429,
}


def json_response(status, body, headers=None):
    """A JSON response built without a request (usable from an auth method)."""
    response = Response(
        # ASCII escapes: a string the client sent (an id, a pointer) is echoed
        # safely even when it is no valid Unicode (a lone surrogate).
        json.dumps(body, ensure_ascii=True, default=str),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def problem(status, error, message, **extra):
    """The one error body of the API: status, error code, message, details."""
    return {"status": status, "error": error, "message": message, **extra}


def json_problem(status, error, message, headers=None, **extra):
    return json_response(status, problem(status, error, message, **extra), headers)


def event_body(outcome):
    """The answer for one event, as the API documents it."""
    status = EVENT_STATUS[outcome.kind]
    if outcome.stored:
        return {
            "status": status,
            "result": outcome.kind,
            "id": outcome.event_id,
            "state": outcome.state,
        }
    return problem(
        status, outcome.kind, outcome.message, id=outcome.event_id, **outcome.details
    )


def reception_response(reception):
    """The HTTP answer of the inbox's Reception: the refusal, the one event's
    answer, or a batch answer (207 when its events did not all end alike)."""
    response = _reception_response(reception)
    if reception.legacy_signature:
        # RFC 9745 / RFC 8594: the header still works, until the sunset.
        response.headers["Deprecation"] = "true"
        response.headers["Sunset"] = signing.LEGACY_SIGNATURE_SUNSET
    return response


def _reception_response(reception):
    refusal = reception.refusal
    if refusal:
        status = REFUSAL_STATUS[refusal.kind]
        headers, extra = {}, dict(refusal.details)
        if refusal.retry_after is not None:
            headers["Retry-After"] = str(refusal.retry_after)
            extra["retry_after"] = refusal.retry_after
        return json_problem(status, refusal.kind, refusal.message, headers, **extra)
    results = [event_body(outcome) for outcome in reception.outcomes]
    if not reception.is_batch:
        return json_response(results[0]["status"], results[0])
    statuses = {result["status"] for result in results}
    status = statuses.pop() if len(statuses) == 1 else 207
    if status not in (200, 202):
        status = 207
    body = {
        "status": status,
        "accepted": reception.count(outcomes.ACCEPTED),
        "duplicates": reception.count(outcomes.DUPLICATE),
        "rejected": len(results) - reception.count(*outcomes.STORED),
        "results": results,
    }
    return json_response(status, body)
