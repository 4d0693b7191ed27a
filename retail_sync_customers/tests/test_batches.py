# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.retail_sync_queue.tests.common import perform_pending_jobs

from .common import CustomersMixin


@tagged("post_install", "-at_install")
class TestCustomerBatches(CustomersMixin, TransactionCase):
    """customer.upserted events of many keys drained by one job, given to the
    handler in one call: the outcome of applying them one after the other, and
    what the handler refuses is refused for that event alone (never a fall back
    to the key-by-key drain, which would call the handler again)."""

    @contextmanager
    def one_handler_call(self, count):
        """Asserts that the handler's first call takes the ``count`` events and
        that no later call takes one it applied (a batch that raised would be
        applied again key by key; a wait is checked again by its recheck)."""
        Handler = type(self.env["retail.sync.handler.customer.upserted"])
        original, calls = Handler._apply, []

        def counted(handler, events):
            calls.append(events)
            return original(handler, events)

        with patch.object(Handler, "_apply", counted):
            yield
        self.assertEqual(len(calls[0]), count)
        for later in calls[1:]:
            self.assertNotIn("done", later.mapped("state"))

    def send_in_one_batch(self, *events, channel=None):
        with self.one_handler_call(len(events)):
            return self.send(*events, channel=channel)

    def partners_with_email(self, email):
        return self.Partner.search([("email_normalized", "=", email)])

    def test_two_new_customer_ids_with_one_email_make_one_customer(self):
        """Two sign-ups of one person under two customer ids, in one batch: one
        customer; the second finds the first, as if it had come after it."""
        first, second = self.send_in_one_batch(
            self.upsert_event("G1", name="Gil", emails=["gil@example.com"]),
            self.upsert_event(
                "G2",
                name="Gil",
                emails=["GIL@example.com"],
                phones=[{"number": "07700 900444", "kind": "mobile"}],
            ),
        )
        self.assertEqual((first.state, second.state), ("done", "done"))
        self.assertEqual(first.result["matched"], "created")
        self.assertEqual(second.result["matched"], "match")
        partner = self.partners_with_email("gil@example.com")
        self.assertEqual(len(partner), 1)
        self.assertEqual(self.bound(self.web, "G1"), partner)
        self.assertEqual(self.bound(self.web, "G2"), partner)
        self.assertEqual(partner.retail_sync_mobile_e164, "+447700900444")

    def test_a_new_email_and_a_known_phone_in_one_batch_wait_not_duplicate(self):
        """The second sign-up shares its email with a new customer of the same
        batch and its phone with a customer Odoo has: it waits for review, as
        it would have after the first; its email is not written to the other."""
        known = self.Partner.create(
            {"name": "Hal", "phone": "+447700900555", "country_id": self.gb.id}
        )
        count = self.Partner.search_count([])
        first, second = self.send_in_one_batch(
            self.upsert_event("H1", name="Hal", emails=["hal@example.com"]),
            self.upsert_event(
                "H2",
                name="Hal",
                emails=["hal@example.com"],
                phones=[{"number": "07700 900555"}],
            ),
        )
        self.assertEqual((first.state, second.state), ("done", "waiting"))
        self.assertIn("customer review", second.state_reason)
        created = self.bound(self.web, "H1")
        self.assertEqual(self.Partner.search_count([]), count + 1)
        self.assertEqual(self.partners_with_email("hal@example.com"), created)
        self.assertFalse(known.email)
        review = self.Review.search([("event_id", "=", second.id)])
        self.assertEqual(review.candidate_ids, known | created)

    def test_an_ambiguous_customer_waits_alone_in_its_batch(self):
        """Its later event waits behind it; the batch's other customers are
        created by the same call."""
        self.Partner.create({"name": "Ivy One", "email": "ivy@example.com"})
        self.Partner.create({"name": "Ivy Two", "email": "ivy@example.com"})
        ivy, ivy_later, jo, kim = self.send_in_one_batch(
            dict(
                self.upsert_event("I1", name="Ivy", emails=["ivy@example.com"]),
                sequence=1,
            ),
            dict(self.upsert_event("I1", name="Ivy B."), sequence=2),
            self.upsert_event("J1", name="Jo", emails=["jo@example.com"]),
            self.upsert_event("K1", name="Kim", emails=["kim@example.com"]),
        )
        self.assertEqual(
            [e.state for e in (ivy, ivy_later, jo, kim)],
            ["waiting", "blocked", "done", "done"],
        )
        self.assertTrue(self.Review.search([("event_id", "=", ivy.id)]))
        self.assertEqual(len(self.partners_with_email("ivy@example.com")), 2)
        self.assertEqual(self.bound(self.web, "J1").name, "Jo")
        self.assertEqual(self.bound(self.web, "K1").name, "Kim")
        self.assertFalse(self.bound(self.web, "I1"))

    def test_a_bad_event_fails_alone_in_its_batch(self):
        """An event whose data the handler cannot read (stored under an older
        contract, say) fails with its error; the next event of its customer id
        waits behind it; the other customers of the batch are applied."""
        events = [
            dict(self.upsert_event("L1", name="Lou"), sequence=1),
            dict(self.upsert_event("L1", name="Lou B."), sequence=2),
            self.upsert_event("M1", name="Max", emails=["max@example.com"]),
        ]
        self.ingest(*events, channel=self.web)
        bad = self.event(events[0]["id"], channel=self.web)
        self.env.cr.execute(
            SQL(
                "UPDATE retail_sync_event SET payload = jsonb_set(payload, "
                "'{data,phones}', '42') WHERE id = %s",
                bad.id,
            )
        )
        bad.invalidate_recordset()
        with self.one_handler_call(3):
            perform_pending_jobs(self.env)
        bad, later, good = (self.event(e["id"], channel=self.web) for e in events)
        self.assertEqual(bad.state, "failed")
        self.assertIn("not iterable", bad.error_message)
        self.assertEqual(later.state, "blocked")
        self.assertEqual(good.state, "done", good.error_message)
        self.assertFalse(self.bound(self.web, "L1"))
        self.assertEqual(self.bound(self.web, "M1").name, "Max")

    def test_the_events_of_one_new_customer_in_a_batch_make_one_customer(self):
        """A sign-up and its edit in one batch: one customer with the edit."""
        signup, edit = self.send_in_one_batch(
            dict(
                self.upsert_event("N1", name="Ned", emails=["ned@example.com"]),
                sequence=1,
            ),
            dict(
                self.upsert_event("N1", phones=[{"number": "020 7946 0777"}]),
                sequence=2,
            ),
        )
        self.assertEqual((signup.state, edit.state), ("done", "done"))
        partner = self.bound(self.web, "N1")
        self.assertEqual(self.partners_with_email("ned@example.com"), partner)
        self.assertEqual(partner.phone, "+442079460777")
        self.assertEqual(edit.result["customer"], partner.id)

    def test_an_update_writes_only_what_changes(self):
        """A customer sent again unchanged is not written (its write date
        stays); a changed field is."""
        first = self.upsert(
            "O1",
            name="Olu",
            emails=["olu@example.com"],
            occurred_at="2026-11-27T10:00:00+00:00",
        )
        partner = self.bound(self.web, "O1")
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET write_date = '2020-01-01' WHERE id = %s",
                partner.id,
            )
        )
        partner.invalidate_recordset()
        again = self.upsert(
            "O1",
            name="Olu",
            emails=["olu@example.com"],
            occurred_at="2026-11-27T10:01:00+00:00",
        )
        self.assertEqual(again.state, "done")
        self.assertEqual(str(partner.write_date)[:4], "2020")
        changed = self.upsert(
            "O1", name="Olu Ade", occurred_at="2026-11-27T10:02:00+00:00"
        )
        self.assertEqual((first.state, changed.state), ("done", "done"))
        self.assertEqual(partner.name, "Olu Ade")

    def test_a_later_event_of_a_new_customer_meets_its_owner_only_fields(self):
        """A till's sign-up gives the customer its first email; the same
        customer's next event in the batch may not change it (the storefront
        owns emails), as if it had come after the creation."""
        signup, edit = self.send_in_one_batch(
            dict(
                self.upsert_event("P1", name="Pia", emails=["pia@example.com"]),
                sequence=1,
            ),
            dict(
                self.upsert_event("P1", emails=["pia.new@example.com"]),
                sequence=2,
            ),
            channel=self.pos,
        )
        self.assertEqual((signup.state, edit.state), ("done", "done"))
        partner = self.bound(self.pos, "P1")
        self.assertEqual(partner.email, "pia@example.com")
        self.assertIn("email", edit.result["ignored"])
        self.assertNotIn("ignored", signup.result)
