"""The sender against a loopback stand-in of Odoo: batching, order, retries,
partial rejections, stops, signatures."""

import base64
import json
import socket
import time

import pytest
from retail_sync_client import ClientError, parse_retry_after
from standardwebhooks import Webhook, WebhookVerificationError

LINE = [{"sku": "A", "quantity": 1, "unit_price": 2.5}]
SECRET = "whsec_" + base64.b64encode(b"a-32-byte-secret-for-the-tests!!").decode()


def ping(n):
    return {"id": f"p-{n}", "type": "system.ping", "schema_version": 1, "data": {}}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_flush_batches_in_order_with_bearer_key(odoo, make_client):
    client = make_client()
    for n in range(250):
        client.sale("S1", f"R{n % 3}", LINE, event_id=f"s-{n}")
    assert client.flush() == 250
    assert [len(b) for b in odoo.batches()] == [100, 100, 50]
    assert list(odoo.stored) == [f"s-{n}" for n in range(250)]
    for register in range(3):
        sent = [
            e
            for e in odoo.stored.values()
            if e["ordering_key"] == f"pos:S1:R{register}"
        ]
        assert [e["sequence"] for e in sent] == list(range(1, len(sent) + 1))
    assert odoo.requests[0][1]["authorization"] == "Bearer key-123"
    assert odoo.requests[0][1]["content-type"] == "application/json"
    assert client.pending_count() == 0


def test_batch_size_is_configurable(odoo, make_client):
    client = make_client(batch_size=7)
    for n in range(15):
        client.record(ping(n))
    client.flush()
    assert [len(b) for b in odoo.batches()] == [7, 7, 1]


def test_429_waits_as_long_as_retry_after_says(odoo, make_client):
    odoo.plan = [(429, {"Retry-After": "1"}, {"status": 429, "error": "rate_limited"})]
    client = make_client()
    client.record(ping(1))
    client.flush(timeout=10)
    (first, *_), (second, *_) = odoo.requests
    assert second - first >= 1.0
    assert list(odoo.stored) == ["p-1"]


@pytest.mark.parametrize(
    "answer",
    [
        (503, {"Retry-After": "0"}, {"status": 503, "error": "unavailable"}),
        (500, {}, {"status": 500, "error": "internal_error"}),
        (502, {"Content-Type": "text/html"}, b"<html>Bad gateway</html>"),
        (404, {"Content-Type": "text/html"}, b"<!DOCTYPE html><h1>404: Not Found</h1>"),
        (404, {}, {"status": 404, "error": "not_found"}),
        (200, {"Content-Type": "text/html"}, b"<html>Odoo database selector</html>"),
        (303, {"Location": "/web/database/selector"}, b""),
        (408, {}, {"status": 408, "error": "timeout"}),
    ],
    ids=["503", "500", "502-html", "404-html", "404-json", "200-html", "303", "408"],
)
def test_transient_answers_are_retried_never_dropped(odoo, make_client, answer):
    odoo.plan = [answer, answer]
    client = make_client()
    client.record(ping(1))
    client.record(ping(2))
    client.flush(timeout=10)
    assert len(odoo.requests) == 3
    assert list(odoo.stored) == ["p-1", "p-2"]
    assert client.pending_count() == 0
    assert client.rejected() == []


def test_503_retry_after_is_honoured(odoo, make_client):
    odoo.plan = [(503, {"Retry-After": "1"}, {"status": 503, "error": "starting"})]
    client = make_client()
    client.record(ping(1))
    client.flush(timeout=10)
    assert odoo.requests[1][0] - odoo.requests[0][0] >= 1.0


def test_connection_refused_keeps_events_until_odoo_answers(odoo, make_client):
    client = make_client(url=f"http://127.0.0.1:{free_port()}")
    for n in range(3):
        client.record(ping(n))
    with pytest.raises(TimeoutError):
        client.flush(timeout=0.5)
    assert client.pending_count() == 3
    assert client.failures >= 2
    assert "ConnectionError" in client.status()["last_error"]
    client.url = odoo.url + "/retail_sync/v1/events"
    client.flush(timeout=5)
    assert list(odoo.stored) == ["p-0", "p-1", "p-2"]


def test_answer_lost_after_storing_is_resent_and_counted_once(odoo, make_client):
    def store_then_hang(events):
        odoo.store(events)
        time.sleep(1.0)
        return 200, {}, {}

    odoo.plan = [store_then_hang]
    client = make_client(timeout=(1.0, 0.3))
    client.record(ping(1))
    client.flush(timeout=10)
    assert len(odoo.requests) == 2  # resent: answered duplicate, then removed
    assert list(odoo.stored) == ["p-1"]
    assert client.pending_count() == 0


def test_207_moves_rejected_events_aside_and_never_resends_them(odoo, make_client):
    odoo.plan = [lambda events: odoo.store(events, reject={"p-2"})]
    client = make_client()
    for n in range(4):
        client.record(ping(n))
    assert client.flush() == 4
    [rejected] = client.rejected()
    assert rejected["id"] == "p-2"
    assert rejected["status"] == 422
    assert rejected["error"] == "invalid"
    assert rejected["answer"]["problems"] == [{"pointer": "/data"}]
    assert rejected["event"] == client.outbox.rejected()[0]["event"]
    assert client.pending_count() == 0
    client.record(ping(9))
    client.flush()
    assert [e["id"] for e in odoo.batches()[-1]] == ["p-9"]
    # Recording the rejected id again does not resend it either.
    client.record(ping(2))
    assert client.pending_count() == 0


def test_207_keeps_events_answered_with_a_retryable_status(odoo, make_client):
    def mixed(events):
        odoo.store(events[:1])
        results = [
            {"status": 202, "id": events[0]["id"]},
            {"status": 503, "id": events[1]["id"], "error": "busy"},
            {"status": 429, "id": events[2]["id"], "error": "rate_limited"},
        ]
        return 207, {}, {"status": 207, "results": results}

    odoo.plan = [mixed]
    client = make_client()
    for n in range(3):
        client.record(ping(n))
    client.flush(timeout=5)
    assert [[e["id"] for e in b] for b in odoo.batches()] == [
        ["p-0", "p-1", "p-2"],
        ["p-1", "p-2"],
    ]
    assert client.rejected() == []


@pytest.mark.parametrize("status", [400, 401, 403, 409, 413, 422])
def test_whole_request_4xx_stops_and_deletes_nothing(odoo, make_client, status):
    odoo.plan = [
        (
            status,
            {},
            {"status": status, "error": "bad_credentials", "message": "no such key"},
        )
    ]
    client = make_client()
    for n in range(3):
        client.record(ping(n))
    with pytest.raises(ClientError) as caught:
        client.flush()
    assert caught.value.status == status
    assert caught.value.error == "bad_credentials"
    assert len(odoo.requests) == 1
    assert client.pending_count() == 3
    assert client.rejected() == []
    client.flush()  # fixed: sending again delivers everything
    assert list(odoo.stored) == ["p-0", "p-1", "p-2"]


def test_background_sender_delivers_and_stops_on_401(odoo, make_client):
    errors = []
    client = make_client(on_error=errors.append, linger=0.01)
    client.start()
    for n in range(5):
        client.record(ping(n))
    deadline = time.monotonic() + 5
    while client.pending_count() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(odoo.stored) == [f"p-{n}" for n in range(5)]
    odoo.plan = [(401, {}, {"status": 401, "error": "bad_credentials"})]
    client.record(ping(5))
    deadline = time.monotonic() + 5
    while not errors and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [e.status for e in errors] == [401]
    assert not client.status()["sending"]
    requests_then = len(odoo.requests)
    client.record(ping(6))
    time.sleep(0.2)
    assert len(odoo.requests) == requests_then  # stopped: nothing more sent
    assert client.pending_count() == 2
    client.start()  # after the fix
    deadline = time.monotonic() + 5
    while client.pending_count() and time.monotonic() < deadline:
        time.sleep(0.02)
    client.stop()
    assert list(odoo.stored)[-2:] == ["p-5", "p-6"]


def test_replay_after_outage_keeps_per_key_order(odoo, make_client, tmp_path):
    client = make_client(url=f"http://127.0.0.1:{free_port()}", batch_size=10)
    for n in range(30):
        client.sale("S1", f"R{n % 2}", LINE, event_id=f"s-{n}")
    with pytest.raises(TimeoutError):
        client.flush(timeout=0.2)
    client.outbox._db.close()  # the till dies during the outage
    client = make_client(path=tmp_path / "outbox.db", batch_size=10)
    for n in range(30, 40):
        client.sale("S1", f"R{n % 2}", LINE, event_id=f"s-{n}")
    client.flush()
    assert list(odoo.stored) == [f"s-{n}" for n in range(40)]
    for register in ("R0", "R1"):
        numbers = [
            e["sequence"]
            for e in odoo.stored.values()
            if e["data"]["register"] == register
        ]
        assert numbers == list(range(1, 21))


def test_standard_webhooks_signature_verifies(odoo, make_client):
    odoo.plan = [(503, {}, {"status": 503})]
    client = make_client(signing_secret=SECRET)
    client.record(ping(1))
    client.flush(timeout=5)
    (_t1, first, raw1), (_t2, second, raw2) = odoo.requests
    for headers, raw in ((first, raw1), (second, raw2)):
        assert Webhook(SECRET).verify(raw, headers) == json.loads(raw)
        assert "x-retail-sync-signature" not in headers
    assert first["webhook-id"] == second["webhook-id"]  # same batch, same message
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(raw1 + b" ", first)
    other = "whsec_" + base64.b64encode(b"another-secret-another-secret!!!").decode()
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(raw1, first)
    client.record(ping(2))
    client.flush()
    assert odoo.requests[-1][1]["webhook-id"] != first["webhook-id"]


def test_legacy_secret_signs_with_the_old_header(odoo, make_client):
    import hashlib
    import hmac

    client = make_client(signing_secret="rss_old-secret")
    client.record(ping(1))
    client.flush()
    headers, raw = odoo.requests[0][1], odoo.requests[0][2]
    expected = hmac.new(b"rss_old-secret", raw, hashlib.sha256).hexdigest()
    assert headers["x-retail-sync-signature"] == "sha256=" + expected
    assert "webhook-signature" not in headers


def test_retry_after_parses_seconds_and_dates():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    future = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 <= parse_retry_after(future) <= 31


def test_backoff_is_capped_and_jittered(make_client):
    client = make_client(backoff_base=1.0, backoff_max=8.0)
    client.failures = 20
    delays = {round(client.retry_delay(), 3) for _ in range(20)}
    assert all(4.0 <= d <= 8.0 for d in delays)
    assert len(delays) > 1


def test_flush_after_stop_still_retries(odoo, make_client):
    odoo.plan = [(503, {}, {"status": 503}), (503, {}, {"status": 503})]
    client = make_client()
    client.start()
    client.stop()
    client.record(ping(1))
    client.flush(timeout=5)
    assert list(odoo.stored) == ["p-1"]
    assert len(odoo.requests) == 3
