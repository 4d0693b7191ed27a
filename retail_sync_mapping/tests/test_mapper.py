# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import BaseCase, tagged

from odoo.addons.retail_sync_mapping.engine import mapper, native


def rule(**fields_by_target):
    return {
        "topic": "things/*",
        "event_type": "test.thing",
        "schema_version": 1,
        "id": {"expression": "delivery_id"},
        "occurred_at": {"expression": "body.at"},
        "fields": [
            {"target": target, **spec} for target, spec in fields_by_target.items()
        ],
    }


def document(body, topic="things/create"):
    return mapper.build_document(body, {"X-Thing": "yes"}, topic, "d-1")


@tagged("post_install", "-at_install")
class TestMapper(BaseCase):
    """The mapping engine alone (no database)."""

    def test_transforms(self):
        apply = mapper.apply_transform
        self.assertEqual(apply("decimal", "19.90"), 19.9)
        self.assertEqual(apply("decimal", "20.00"), 20)
        self.assertEqual(apply("abs_decimal", "-29.90"), 29.9)
        self.assertEqual(apply("decimal", 24.92 + 4.98, "2"), 29.9)
        self.assertEqual(apply("decimal", "0.125", "2"), 0.13)
        self.assertEqual(apply("integer", "7"), 7)
        self.assertEqual(apply("string", 5820001000001), "5820001000001")
        self.assertEqual(
            apply("datetime", "2026-11-30T19:05:11"), "2026-11-30T19:05:11+00:00"
        )
        self.assertEqual(
            apply("datetime", "2026-11-30T14:05:11-05:00"),
            "2026-11-30T14:05:11-05:00",
        )
        self.assertEqual(
            apply("datetime", "2026-11-30T14:05:11Z", "utc")[-6:], "+00:00"
        )
        self.assertEqual(apply("date", "2026-11-30T14:05:11-05:00"), "2026-11-30")
        self.assertEqual(
            apply("map", "wc-processing", '{"wc-processing": "open"}'), "open"
        )
        self.assertEqual(apply("constant", None, '{"mode": "ship"}'), {"mode": "ship"})
        self.assertEqual(apply("constant", None, "ship"), "ship")
        self.assertIs(apply("boolean", "yes"), True)
        for name, value in (
            ("decimal", "12,50"),
            ("decimal", "NaN"),
            ("integer", "1.5"),
            ("datetime", "yesterday"),
            ("map", "x"),
            ("boolean", "maybe"),
        ):
            with self.assertRaises(mapper.TransformError, msg=f"{name} {value}"):
                apply(name, value, "{}")

    def test_nested_and_list_targets(self):
        spec = rule(
            **{
                "ref": {"expression": "body.id", "transform": "string"},
                "who.email": {"expression": "body.mail", "required": True},
                "who.phone": {"expression": "body.phone"},
                "lines[]": {"expression": "body.items", "required": True},
                "lines[].sku": {"expression": "code", "required": True},
                "lines[].qty": {"expression": "n", "transform": "decimal"},
                "flag": {"expression": 'headers."x-thing"'},
            }
        )
        body = {
            "id": 9,
            "at": "2026-12-01T10:00:00+01:00",
            "mail": "a@b.c",
            "phone": None,
            "items": [{"code": "A", "n": "1.5"}, {"code": "B", "n": 2}],
        }
        event = mapper.map_event(spec, document(body))
        self.assertEqual(
            event,
            {
                "id": "d-1",
                "type": "test.thing",
                "schema_version": 1,
                "occurred_at": "2026-12-01T10:00:00+01:00",
                "data": {
                    "ref": "9",
                    "who": {"email": "a@b.c"},
                    "lines": [{"sku": "A", "qty": 1.5}, {"sku": "B", "qty": 2}],
                    "flag": "yes",
                },
            },
        )

    def test_errors_name_the_field(self):
        spec = rule(
            **{
                "lines[]": {"expression": "body.items", "required": True},
                "lines[].sku": {"expression": "code", "required": True},
                "lines[].qty": {"expression": "n", "transform": "decimal"},
            }
        )
        cases = [
            ({"at": "2026-12-01T10:00:00Z"}, "data.lines", "found nothing"),
            (
                {"at": "2026-12-01T10:00:00Z", "items": [{"code": "A"}, {"n": 1}]},
                "data.lines[1].sku",
                "found nothing",
            ),
            (
                {"at": "2026-12-01T10:00:00Z", "items": [{"code": "A", "n": "x"}]},
                "data.lines[0].qty",
                "not a decimal",
            ),
            ({"at": "soon", "items": []}, "occurred_at", "not a date"),
            ({"at": "2026-12-01T10:00:00Z", "items": 3}, "data.lines", "not a list"),
        ]
        for body, field, reason in cases:
            with self.assertRaises(mapper.MappingError) as caught:
                mapper.map_event(spec, document(body))
            self.assertEqual(caught.exception.field, field)
            self.assertIn(reason, caught.exception.reason)

    def test_recognition_and_for_each(self):
        spec = rule(**{"n": {"expression": "item.n", "required": True}})
        spec.update(condition="body.kind == 'big'", for_each="body.parts")
        self.assertFalse(mapper.rule_applies(spec, document({"kind": "big"}, "other")))
        self.assertFalse(mapper.rule_applies(spec, document({"kind": "small"})))
        body = {
            "kind": "big",
            "at": "2026-12-01T10:00:00Z",
            "parts": [{"n": 1}, {"n": 2}],
        }
        self.assertTrue(mapper.rule_applies(spec, document(body)))
        events = mapper.map_rule(spec, document(body))
        self.assertEqual([e["data"]["n"] for e in events], [1, 2])

    def test_hmac_and_ping(self):
        body = b'{"id": 1}'
        signature = native.signature_of("s3cret", body)
        self.assertTrue(native.verify(["old", "s3cret"], body, signature))
        self.assertFalse(native.verify(["s3cret"], body + b" ", signature))
        self.assertFalse(native.verify(["s3cret"], body, None))
        hex_signature = native.signature_of("s3cret", body, "hex")
        self.assertTrue(native.verify(["s3cret"], body, hex_signature, "hex"))
        self.assertTrue(native.is_ping(b"webhook_id=12", "webhook_id"))
        self.assertFalse(native.is_ping(b'{"webhook_id": 12}', "webhook_id"))
        self.assertFalse(native.is_ping(b"webhook_id=12&x=1", "webhook_id"))
        self.assertFalse(native.is_ping(b"webhook_id=12", None))
