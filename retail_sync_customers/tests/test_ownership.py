# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.tests import TransactionCase, tagged

from .common import CustomersMixin


@tagged("post_install", "-at_install")
class TestOwnership(CustomersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Conflict = cls.env["retail.sync.conflict"]
        cls.Owner = cls.env["retail.sync.field.owner"]

    def test_owner_only_ignores_other_channels_with_the_reason(self):
        self.upsert("O1", name="Gus", emails=["gus@example.com"])
        partner = self.bound(self.web, "O1")
        self.env["retail.sync.binding"].create(
            {
                "channel_id": self.pos.id,
                "kind": "customer",
                "external_ref": "TILL-O1",
                "record_ref": f"res.partner,{partner.id}",
            }
        )
        event = self.upsert(
            "TILL-O1", channel=self.pos, emails=["gus@till.example"], name="Gus T"
        )
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(
            event.result["ignored"],
            {"email": "ignored: owned by every E-commerce channel"},
        )
        self.assertEqual(partner.email, "gus@example.com")
        self.assertEqual(partner.name, "Gus T", "the name is anyone's, latest wins")
        conflict = self.Conflict.search([("event_id", "=", event.id)])
        self.assertEqual(
            (conflict.kind, conflict.field_name, conflict.value),
            ("ignored", "email", "gus@till.example"),
        )
        # The owner changes it.
        self.upsert("O1", emails=["gus@new.example"])
        self.assertEqual(partner.email, "gus@new.example")

    def test_a_till_gives_a_new_customer_their_first_email(self):
        event = self.upsert(
            "TILL-NEW", channel=self.pos, name="Hal", emails=["hal@x.example"]
        )
        self.assertNotIn("ignored", event.result)
        self.assertEqual(self.bound(self.pos, "TILL-NEW").email, "hal@x.example")

    def test_latest_wins_by_occurred_at_across_channels(self):
        self.upsert(
            "L1",
            name="Ida",
            phones=[{"number": "020 7946 0333"}],
            occurred_at="2026-11-27T10:00:00+00:00",
        )
        partner = self.bound(self.web, "L1")
        self.env["retail.sync.binding"].create(
            {
                "channel_id": self.pos.id,
                "kind": "customer",
                "external_ref": "TILL-L1",
                "record_ref": f"res.partner,{partner.id}",
            }
        )
        older = self.upsert(
            "TILL-L1",
            channel=self.pos,
            phones=[{"number": "+49 30 901820"}],
            occurred_at="2026-11-27T09:00:00+00:00",
        )
        self.assertEqual(partner.phone, "+442079460333")
        self.assertIn(
            "older than the value written at", older.result["ignored"]["phone"]
        )
        newer = self.upsert(
            "TILL-L1",
            channel=self.pos,
            phones=[{"number": "+49 30 901820"}],
            occurred_at="2026-11-27T11:00:00+00:00",
        )
        self.assertNotIn("ignored", newer.result)
        self.assertEqual(partner.phone, "+4930901820")

    def test_odoo_only_fields_ignore_every_channel(self):
        split = self.Owner._split(
            self.web,
            "res.partner",
            {"vat": "GB123", "name": "Jo"},
            datetime(2026, 11, 27, 10),
        )
        self.assertEqual(split.applied, {"name": "Jo"})
        self.assertEqual(split.ignored, {"vat": "ignored: owned by Odoo"})
        split = self.Owner._split(
            self.web, "product.template", {"list_price": 9.0}, datetime(2026, 11, 27)
        )
        self.assertEqual(split.ignored, {"list_price": "ignored: owned by Odoo"})
        self.assertEqual(
            self.Conflict.search_count([("field_name", "in", ("vat", "list_price"))]), 2
        )

    def test_owner_channels_listed_on_the_rule_own_the_field(self):
        rule = self.env.ref("retail_sync_customers.field_owner_customer_loyalty_id")
        split = self.Owner._split(
            self.web,
            "res.partner",
            {"retail_sync_loyalty_id": "L-9"},
            None,
            record=self.Partner.create(
                {"name": "Kim", "retail_sync_loyalty_id": "L-1"}
            ),
        )
        self.assertIn(
            "every POS store channel", split.ignored["retail_sync_loyalty_id"]
        )
        rule.owner_channel_ids = self.web
        split = self.Owner._split(
            self.web,
            "res.partner",
            {"retail_sync_loyalty_id": "L-9"},
            None,
            record=self.Partner.search([("name", "=", "Kim")]),
        )
        self.assertEqual(split.applied, {"retail_sync_loyalty_id": "L-9"})

    def test_odoo_edits_of_channel_owned_fields_are_flagged(self):
        self.upsert(
            "OE",
            name="Lea",
            emails=["lea@example.com"],
            phones=[{"number": "020 7946 0444"}],
            occurred_at="2026-11-27T10:00:00+00:00",
        )
        partner = self.bound(self.web, "OE")
        partner.write({"email": "lea@typo.example"})
        conflict = self.Conflict.search(
            [("kind", "=", "odoo_edit"), ("res_id", "=", partner.id)]
        )
        self.assertEqual(conflict.field_name, "email")
        self.assertEqual(conflict.user_id, self.env.user)
        self.assertIn("owned by every E-commerce channel", conflict.reason)
        # A partner no channel feeds is Odoo's business.
        other = self.Partner.create({"name": "Unbound"})
        other.write({"email": "x@example.com"})
        self.assertFalse(
            self.Conflict.search(
                [("kind", "=", "odoo_edit"), ("res_id", "=", other.id)]
            )
        )
        # An Odoo edit of a latest-wins field counts at its time: an event that
        # occurred before it no longer overwrites it.
        partner.write({"phone": "+44 20 7946 0555"})
        event = self.upsert(
            "OE",
            phones=[{"number": "020 7946 0666"}],
            occurred_at="2026-11-27T11:00:00+00:00",
        )
        self.assertIn("older than the value written", event.result["ignored"]["phone"])
        self.assertEqual(partner.phone, "+44 20 7946 0555")

    def test_the_ownership_form_opens_the_rule_conflicts(self):
        rule = self.env.ref("retail_sync_customers.field_owner_customer_email")
        self.assertEqual(rule.owner_label, "every E-commerce channel")
        self.assertTrue(rule.field_exists)
        action = rule.action_open_conflicts()
        self.assertEqual(action["domain"], [("rule_id", "=", rule.id)])
