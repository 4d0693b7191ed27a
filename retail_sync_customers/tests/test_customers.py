# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.retail_sync_queue.tests.common import perform_pending_jobs

from ..engine.normalize import normalize_email, normalize_phone, pick_match
from .common import CustomersMixin


@tagged("post_install", "-at_install")
class TestCustomerNormalizing(CustomersMixin, TransactionCase):
    def test_phones_become_e164_in_the_channel_country(self):
        cases = [
            ("base.uk", "020 7946 0958", "+442079460958"),
            ("base.de", "030 901820", "+4930901820"),
            ("base.us", "(202) 555-0147", "+12025550147"),
            ("base.fr", "01 42 68 53 00", "+33142685300"),
            # An international prefix keeps its own country, whatever the channel's.
            ("base.uk", "+49 30 901820", "+4930901820"),
        ]
        for index, (country, sent, expected) in enumerate(cases):
            self.web.customer_country_id = self.env.ref(country)
            event = self.upsert(
                f"P{index}",
                name=f"Phone {index}",
                phones=[{"number": sent, "kind": "mobile"}],
            )
            self.assertEqual(event.state, "done", event.error_message)
            partner = self.bound(self.web, f"P{index}")
            self.assertEqual(partner.mobile, expected, country)
            self.assertEqual(partner.retail_sync_mobile_e164, expected)
            self.assertFalse(partner.retail_sync_phone_flagged)

    def test_the_company_country_is_the_default_region(self):
        self.web.customer_country_id = False
        self.web.company_id.country_id = self.env.ref("base.fr")
        self.upsert("FR1", name="Fr", phones=[{"number": "01 42 68 53 00"}])
        self.assertEqual(self.bound(self.web, "FR1").phone, "+33142685300")

    def test_an_unparseable_phone_is_kept_as_sent_and_flagged(self):
        event = self.upsert(
            "BAD", name="Bad Phone", phones=[{"number": "12"}, {"number": "ext 7"}]
        )
        self.assertEqual(event.state, "done", event.error_message)
        self.assertTrue(event.result["phone_flagged"])
        partner = self.bound(self.web, "BAD")
        self.assertEqual(partner.phone, "12")
        self.assertEqual(partner.retail_sync_phone_raw, "12, ext 7")
        self.assertTrue(partner.retail_sync_phone_flagged)
        self.assertIn(
            partner, self.Partner.search([("retail_sync_phone_flagged", "=", True)])
        )
        # A good number later clears the flag.
        self.upsert("BAD", phones=[{"number": "020 7946 0958"}])
        self.assertFalse(partner.retail_sync_phone_flagged)
        self.assertEqual(partner.phone, "+442079460958")

    def test_emails_are_trimmed_with_the_domain_lowercased(self):
        self.assertEqual(
            normalize_email("  Ann.Smith@Example.COM "), "Ann.Smith@example.com"
        )
        self.assertIsNone(normalize_email("not an email"))
        self.upsert("E1", name="Ann", emails=["  Ann.Smith@Example.COM "])
        partner = self.bound(self.web, "E1")
        self.assertEqual(partner.email, "Ann.Smith@example.com")
        # Matching ignores the case of the local part too.
        event = self.upsert("E-POS", channel=self.pos, emails=["ann.smith@EXAMPLE.com"])
        self.assertEqual(event.result["matched"], "match")
        self.assertEqual(self.bound(self.pos, "E-POS"), partner)

    def test_pick_match_rules(self):
        self.assertEqual(pick_match({1}, {1, 2}), ("match", 1))
        self.assertEqual(pick_match({1}, set()), ("match", 1))
        self.assertEqual(pick_match({1}, {2}), ("ambiguous", [1, 2]))
        self.assertEqual(pick_match({1, 2}, set()), ("ambiguous", [1, 2]))
        self.assertEqual(pick_match(set(), {3}), ("match", 3))
        self.assertEqual(pick_match(set(), {3, 4}), ("ambiguous", [3, 4]))
        self.assertEqual(pick_match(set(), set()), ("new", None))
        self.assertEqual(normalize_phone("", "GB"), (None, ""))


@tagged("post_install", "-at_install")
class TestCustomerMatching(CustomersMixin, TransactionCase):
    def test_the_binding_finds_the_customer_whatever_it_sends(self):
        self.upsert("B1", name="Bea", emails=["bea@example.com"])
        partner = self.bound(self.web, "B1")
        event = self.upsert("B1", emails=["bea.new@example.com"], name="Bea New")
        self.assertEqual(event.result["matched"], "bound")
        self.assertEqual(partner.email, "bea.new@example.com")
        self.assertEqual(partner.name, "Bea New")
        self.assertEqual(
            self.Partner.search_count(
                [("email_normalized", "like", "bea%@example.com")]
            ),
            1,
        )

    def test_a_customer_made_in_odoo_is_matched_by_phone(self):
        existing = self.Partner.create(
            {"name": "Carl", "phone": "+44 20 7946 0111", "country_id": self.gb.id}
        )
        self.assertEqual(existing.retail_sync_phone_e164, "+442079460111")
        # The GB storefront sends the national form.
        event = self.upsert("C1", name="Carl", phones=[{"number": "020 7946 0111"}])
        self.assertEqual(event.result["matched"], "match")
        self.assertEqual(self.bound(self.web, "C1"), existing)

    def test_one_batch_never_creates_a_customer_twice(self):
        events = self.send(
            self.upsert_event("D1", name="Dee", emails=["dee@example.com"]),
            self.upsert_event("D2", name="Dee", emails=["DEE@example.com"]),
            self.upsert_event("D3", name="Dee", phones=[{"number": "07700 900321"}]),
            self.upsert_event("D4", name="Dee", phones=[{"number": "+447700900321"}]),
        )
        self.assertEqual([e.state for e in events], ["done"] * 4)
        self.assertEqual(self.bound(self.web, "D1"), self.bound(self.web, "D2"))
        self.assertEqual(self.bound(self.web, "D3"), self.bound(self.web, "D4"))
        self.assertEqual(
            self.Partner.search_count([("email_normalized", "=", "dee@example.com")]), 1
        )

    def test_an_ambiguous_customer_waits_then_merge_applies_it(self):
        first = self.Partner.create({"name": "Eve One", "email": "eve@example.com"})
        second = self.Partner.create({"name": "Eve Two", "email": "eve@example.com"})
        count = self.Partner.search_count([])
        event = self.upsert("EVE", name="Eve", emails=["eve@example.com"])
        self.assertEqual(event.state, "waiting")
        self.assertIn("customer review", event.state_reason)
        self.assertEqual(self.Partner.search_count([]), count, "no silent duplicate")
        review = self.Review.search([("event_id", "=", event.id)])
        self.assertEqual(review.state, "pending")
        self.assertEqual(review.candidate_ids, first | second)
        review.partner_id = second
        review.action_merge()
        perform_pending_jobs(self.env)
        self.assertEqual(event.state, "done", event.error_message)
        self.assertEqual(event.result["matched"], "bound")
        self.assertEqual(self.bound(self.web, "EVE"), second)
        self.assertEqual(self.Partner.search_count([]), count)

    def test_email_and_phone_of_different_customers_wait_then_create_new(self):
        self.Partner.create({"name": "Fay", "email": "fay@example.com"})
        self.Partner.create(
            {"name": "Fay's flat", "phone": "+442079460222", "country_id": self.gb.id}
        )
        event = self.upsert(
            "FAY",
            name="Fay",
            emails=["fay@example.com"],
            phones=[{"number": "020 7946 0222"}],
        )
        self.assertEqual(event.state, "waiting")
        review = self.Review.search([("event_id", "=", event.id)])
        self.assertEqual(len(review.candidate_ids), 2)
        review.action_create_new()
        perform_pending_jobs(self.env)
        self.assertEqual(event.state, "done", event.error_message)
        created = self.bound(self.web, "FAY")
        self.assertEqual(review.partner_id, created)
        self.assertNotIn(created, review.candidate_ids)
        self.assertEqual(created.phone, "+442079460222")
