# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import time

import odoo
from odoo import http
from odoo.tests import HttpCase, tagged

from ..engine import signing
from .common import ChannelMixin, make_event

NO_LEAK = ("Traceback", 'File "', "psycopg2", "/odoo/", "SELECT ")


@tagged("post_install", "-at_install")
class TestEventEndpoint(ChannelMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.channel, cls.key = cls.make_channel("EP-1")
        cls.Event = cls.env["retail.sync.event"]

    def events_of(self, channel=None):
        return self.Event.search([("channel_id", "=", (channel or self.channel).id)])

    def assertAnswer(self, response, status, error=None):
        self.assertEqual(response.status_code, status, response.text)
        self.assertTrue(response.headers["Content-Type"].startswith("application/json"))
        for leak in NO_LEAK:
            self.assertNotIn(leak, response.text)
        body = response.json()
        if error:
            self.assertEqual(body["error"], error)
        return body

    def test_accepted_event_is_stored_and_queued(self):
        event = make_event(data={"message": "first"}, ordering_key="k1", sequence=1)
        body = self.assertAnswer(self.post(self.key, event), 202)
        self.assertEqual(body["result"], "accepted")
        stored = self.events_of()
        self.assertEqual(len(stored), 1)
        self.assertEqual(stored.external_id, event["id"])
        self.assertEqual(stored.ordering_key, "k1")
        self.assertEqual(stored.sequence, 1)
        self.assertEqual(stored.state, "queued")
        self.assertEqual(stored.payload["data"], {"message": "first"})
        self.assertEqual(str(stored.occurred_at), "2026-11-27 09:00:00")

    def test_duplicate_answers_200_with_original_state(self):
        event = make_event()
        self.assertAnswer(self.post(self.key, event), 202)
        body = self.assertAnswer(self.post(self.key, event), 200)
        self.assertEqual(body["result"], "duplicate")
        self.assertEqual(body["state"], "queued")
        self.assertEqual(len(self.events_of()), 1)

    def test_same_id_other_payload_is_a_conflict(self):
        event = make_event()
        self.assertAnswer(self.post(self.key, event), 202)
        changed = dict(event, data={"message": "changed"})
        self.assertAnswer(self.post(self.key, changed), 409, "conflict")
        self.assertEqual(self.events_of().payload["data"], {"message": "hello"})

    def test_invalid_event_gets_pointer_and_reason(self):
        event = make_event(data={"message": 42})
        body = self.assertAnswer(self.post(self.key, event), 422, "invalid")
        self.assertEqual(body["problems"][0]["pointer"], "/data/message")
        self.assertIn("is not of type 'string'", body["problems"][0]["reason"])
        bad_time = make_event(occurred_at="yesterday")
        body = self.assertAnswer(self.post(self.key, bad_time), 422, "invalid")
        self.assertEqual(body["problems"][0]["pointer"], "/occurred_at")
        missing = make_event()
        del missing["data"]
        body = self.assertAnswer(self.post(self.key, missing), 422, "invalid")
        self.assertIn("'data' is a required property", body["problems"][0]["reason"])
        self.assertFalse(self.events_of())

    def test_unknown_type_or_version_lists_supported(self):
        body = self.assertAnswer(
            self.post(self.key, make_event(event_type="pos.teleport.done")),
            422,
            "unknown_contract",
        )
        self.assertIn(1, body["supported"]["system.ping"])
        body = self.assertAnswer(
            self.post(self.key, make_event(version=9)), 422, "unknown_contract"
        )
        self.assertEqual(body["supported"], {"system.ping": [1]})
        self.assertIn("no schema_version 9", body["message"])

    def test_malformed_json_is_400(self):
        self.assertAnswer(self.post(self.key, b'{"id": '), 400, "malformed_json")

    def test_credentials_are_required_and_nothing_is_written(self):
        event = make_event()
        self.assertAnswer(self.post(None, event), 401, "missing_credentials")
        self.assertAnswer(
            self.post("0123456789abcdef" * 2, event), 401, "bad_credentials"
        )
        response = self.post(None, event, {"Authorization": "Basic YWRtaW46YWRtaW4="})
        self.assertAnswer(response, 401, "missing_credentials")
        self.assertEqual(response.headers["WWW-Authenticate"], "Bearer")
        self.assertFalse(self.events_of())

    def test_signature_required_once_a_secret_is_set(self):
        old_secret = self.channel._rotate_signing_secret()
        new_secret = self.channel._rotate_signing_secret()
        event = make_event()
        raw = json.dumps(event).encode()
        self.assertAnswer(self.post(self.key, raw), 401, "bad_signature")
        wrong = {"X-Retail-Sync-Signature": signing.body_signature("nope", raw)}
        self.assertAnswer(self.post(self.key, raw, wrong), 401, "bad_signature")
        self.assertFalse(self.events_of())
        signed_old = {
            "X-Retail-Sync-Signature": signing.body_signature(old_secret, raw)
        }
        self.assertAnswer(self.post(self.key, raw, signed_old), 202)
        other = json.dumps(make_event()).encode()
        signed_new = {
            "X-Retail-Sync-Signature": signing.body_signature(new_secret, other)
        }
        self.assertAnswer(self.post(self.key, other, signed_new), 202)
        self.assertEqual(len(self.events_of()), 2)

    def test_type_not_allowed_for_channel_is_403(self):
        ping = self.env["retail.sync.contract"].search(
            [("event_type", "=", "system.ping")]
        )
        other = ping.copy({"event_type": "system.other", "version": 1})
        self.channel.contract_ids = other
        self.assertAnswer(self.post(self.key, make_event()), 403, "type_not_allowed")
        self.channel.contract_ids = ping
        self.assertAnswer(self.post(self.key, make_event()), 202)

    def test_body_and_batch_over_the_limits_are_413(self):
        self.channel.write({"max_body_kb": 1, "max_batch_size": 5})
        big = make_event(data={"message": "x" * 200})
        batch = {"events": [make_event(data={"message": "x" * 200}) for _ in range(5)]}
        self.assertGreater(len(json.dumps(batch)), 1024)
        self.assertAnswer(self.post(self.key, batch), 413, "body_too_large")
        self.assertAnswer(self.post(self.key, big), 202)
        self.channel.max_body_kb = 64
        batch = {"events": [make_event() for _ in range(6)]}
        self.assertAnswer(self.post(self.key, batch), 413, "batch_too_large")
        self.assertEqual(len(self.events_of()), 1)

    def test_rate_limit_answers_429_with_retry_after(self):
        self.channel.write({"rate_limit": 0.5, "rate_burst": 3})
        batch = {"events": [make_event() for _ in range(3)]}
        self.assertAnswer(self.post(self.key, batch), 202)
        response = self.post(self.key, make_event())
        body = self.assertAnswer(response, 429, "rate_limited")
        self.assertGreaterEqual(int(response.headers["Retry-After"]), 1)
        self.assertEqual(body["retry_after"], int(response.headers["Retry-After"]))
        self.assertEqual(len(self.events_of()), 3)

    def test_batch_may_be_partly_accepted(self):
        known = make_event()
        self.assertAnswer(self.post(self.key, known), 202)
        batch = {
            "events": [
                make_event(event_id="b-ok"),
                known,
                dict(known, data={"message": "other"}),
                make_event(event_id="b-bad", data={"message": 1}),
                make_event(event_id="b-ok"),
            ]
        }
        body = self.assertAnswer(self.post(self.key, batch), 207)
        self.assertEqual(
            [r["status"] for r in body["results"]], [202, 200, 409, 422, 200]
        )
        self.assertEqual(
            (body["accepted"], body["duplicates"], body["rejected"]), (1, 2, 2)
        )
        self.assertEqual(
            sorted(self.events_of().mapped("external_id")),
            sorted(["b-ok", known["id"]]),
        )

    def test_card_numbers_are_masked_before_storage(self):
        event = make_event(data={"message": "paid with 4111 1111 1111 1111 thanks"})
        self.assertAnswer(self.post(self.key, event), 202)
        stored = self.events_of()
        self.assertEqual(
            stored.payload["data"]["message"], "paid with **** **** **** 1111 thanks"
        )
        # The duplicate check still compares what the channel sent.
        self.assertAnswer(self.post(self.key, event), 200)

    def test_api_key_of_a_user_without_channel_is_403(self):
        admin_key = (
            self.env["res.users.apikeys"]
            .with_user(self.env.ref("base.user_admin"))
            .sudo()
            ._generate(None, "not a channel", None)
        )
        self.assertAnswer(self.post(admin_key, make_event()), 403, "no_channel")

    def test_every_other_method_is_a_json_405_with_allow(self):
        for method in ("GET", "PUT", "DELETE", "PATCH"):
            response = self.opener.request(
                method, self.base_url() + "/retail_sync/v1/events", timeout=10
            )
            self.assertAnswer(response, 405, "method_not_allowed")
            self.assertEqual(response.headers["Allow"], "POST")
        response = self.opener.post(
            self.base_url() + "/retail_sync/v1/contracts", timeout=10
        )
        self.assertAnswer(response, 405, "method_not_allowed")
        self.assertIn("GET", response.headers["Allow"])

    def test_unknown_paths_are_a_json_404(self):
        for path in ("/retail_sync/v1/nope", "/retail_sync/", "/retail_sync/v2/events"):
            self.assertAnswer(self.url_open(path), 404, "not_found")
        response = self.url_open("/retail_sync/v1/contracts/unknown/x")
        self.assertAnswer(response, 404, "not_found")
        # Found by the live fuzzer: a NUL in the type was a 500.
        response = self.url_open("/retail_sync/v1/contracts/%00/1")
        self.assertAnswer(response, 404, "unknown_contract")
        # ... and control characters in a path, the HTML 404 page.
        odoo.addons.retail_sync_core.post_load()
        response = self.url_open("/retail_sync/v1/no%0Asuch/path")
        self.assertAnswer(response, 404, "not_found")

    def test_nesting_beyond_the_maximum_is_refused_not_a_500(self):
        deep = '{"a":' * 1000 + "1" + "}" * 1000
        self.assertAnswer(self.post(self.key, deep.encode()), 422, "too_deep")
        nested = {"x": "leaf"}
        for _ in range(40):
            nested = {"x": nested}
        batch = {
            "events": [make_event(event_id="ok-1"), make_event(data={"deep": nested})]
        }
        body = self.assertAnswer(self.post(self.key, batch), 207)
        self.assertEqual((body["accepted"], body["rejected"]), (1, 1))
        [problem] = body["results"][1]["problems"]
        self.assertTrue(problem["pointer"].startswith("/data/deep/x"))
        self.assertIn("nested deeper than 32", problem["reason"])
        self.assertEqual(self.events_of().mapped("external_id"), ["ok-1"])

    def test_strings_postgresql_cannot_store_are_refused_per_event(self):
        surrogate = (
            '{"events": [%s, {"id": "s-2", "type": "system.ping", '
            '"schema_version": 1, "occurred_at": "2026-11-27T10:00:00+01:00", '
            '"data": {"message": "\\ud800 alone"}}]}'
        )
        body_text = surrogate % json.dumps(make_event(event_id="s-1"))
        body = self.assertAnswer(self.post(self.key, body_text.encode()), 207)
        self.assertEqual(body["results"][0]["result"], "accepted")
        self.assertEqual(body["results"][1]["error"], "invalid")
        self.assertEqual(body["results"][1]["problems"][0]["pointer"], "/data/message")
        for event in (
            make_event(event_id="nul\u0000id"),
            make_event(ordering_key="key\u0000"),
            make_event(data={"message": "a\u0000b"}),
        ):
            raw = json.dumps(event)
            answer = self.assertAnswer(
                self.post(self.key, raw.encode()), 422, "invalid"
            )
            self.assertIn("NUL", answer["problems"][0]["reason"])
        self.assertEqual(self.events_of().mapped("external_id"), ["s-1"])

    def test_dates_that_are_no_dates_are_refused_per_event(self):
        for moment in (
            "2026-13-45T10:00:00Z",
            "2026-02-30T10:00:00+01:00",
            "0000-01-01T00:00:00Z",
            "2026-11-27T10:00:00+99:99",
            "2026-11-27T25:61:00Z",
        ):
            body = self.assertAnswer(
                self.post(self.key, make_event(occurred_at=moment)), 422, "invalid"
            )
            self.assertEqual(body["problems"][0]["pointer"], "/occurred_at")
        self.assertFalse(self.events_of())

    def test_a_batch_larger_than_the_burst_is_413_once_not_429(self):
        self.channel.write({"rate_limit": 1, "rate_burst": 3})
        batch = {"events": [make_event() for _ in range(4)]}
        body = self.assertAnswer(self.post(self.key, batch), 413, "batch_too_large")
        self.assertIn("at most 3", body["message"])
        self.assertAnswer(self.post(self.key, {"events": batch["events"][:3]}), 202)

    def test_standard_webhooks_signature_with_a_tolerance_window(self):
        secret = self.channel._rotate_signing_secret()
        self.assertTrue(secret.startswith("whsec_"))
        raw = json.dumps(make_event(event_id="sw-1")).encode()
        now = time.time()
        headers = signing.webhook_headers(secret, "msg-1", now, raw)
        response = self.post(self.key, raw, headers)
        self.assertAnswer(response, 202)
        self.assertNotIn("Deprecation", response.headers)
        # A captured request replayed later than the tolerance is refused.
        late = json.dumps(make_event(event_id="sw-2")).encode()
        old = signing.webhook_headers(secret, "msg-2", now - 600, late)
        self.assertAnswer(self.post(self.key, late, old), 401, "bad_signature")
        tampered = dict(headers)
        self.assertAnswer(self.post(self.key, late, tampered), 401, "bad_signature")
        # The legacy header still works until its sunset, and says so.
        legacy = {"X-Retail-Sync-Signature": signing.body_signature(secret, late)}
        response = self.post(self.key, late, legacy)
        self.assertAnswer(response, 202)
        self.assertEqual(response.headers["Deprecation"], "true")
        self.assertEqual(response.headers["Sunset"], signing.LEGACY_SIGNATURE_SUNSET)
        self.assertEqual(
            sorted(self.events_of().mapped("external_id")), ["sw-1", "sw-2"]
        )

    def test_without_a_database_the_api_answers_json_503(self):
        # A real server runs the addon's post_load hook when it loads the addon
        # (server-wide: at start); the test runner imported it before, so install
        # the patch as the hook does.
        manifest = odoo.modules.module.get_manifest("retail_sync_core")
        self.assertEqual(manifest["post_load"], "post_load")
        odoo.addons.retail_sync_core.post_load()
        self.assertTrue(http.Request._retail_sync_edge)

        class FakeRequest:
            class httprequest:
                path = "/retail_sync/v1/events"

        response = http.Request._serve_nodb(FakeRequest())
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.headers["Retry-After"], "5")
        body = json.loads(response.get_data())
        self.assertEqual(body["error"], "unavailable")


@tagged("post_install", "-at_install")
class TestContractsEndpoint(HttpCase):
    def test_index_and_schema(self):
        response = self.url_open("/retail_sync/v1/contracts")
        self.assertEqual(response.status_code, 200)
        index = response.json()
        ping = [c for c in index["contracts"] if c["type"] == "system.ping"]
        self.assertEqual(ping[0]["url"], "/retail_sync/v1/contracts/system.ping/1")
        schema = self.url_open(ping[0]["url"]).json()
        self.assertEqual(schema["properties"]["type"], {"const": "system.ping"})
        self.assertIn("occurred_at", schema["required"])

    def test_unknown_contract_is_404(self):
        response = self.url_open("/retail_sync/v1/contracts/system.ping/7")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "unknown_contract")
