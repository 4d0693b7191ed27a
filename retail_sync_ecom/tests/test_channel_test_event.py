# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.retail_sync_core.models.retail_sync_channel_test import (
    _running_threads,
)
from odoo.addons.retail_sync_core.tests.common import make_user
from odoo.addons.retail_sync_queue.tests.common import (
    BackgroundJobRunner,
    SharedCursorLoginMixin,
)

from .common import ReferenceChannel


def wait_for_test_events(timeout=60):
    """Join the background threads of the test events started so far."""
    for thread in list(_running_threads.values()):
        thread.join(timeout)
        if thread.is_alive():
            raise AssertionError("a test event is still running")


@tagged("post_install", "-at_install")
class TestChannelTestEvent(SharedCursorLoginMixin, HttpCase):
    """ "Send test event" over real HTTP: this Odoo's own events endpoint, the
    queue (performed by a background runner, as the jobrunner would), and a push
    to a real HTTP endpoint (the reference channel)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.storefront = ReferenceChannel().start()
        cls.addClassCleanup(cls.storefront.stop)
        cls.manager = make_user(
            cls.env, "rs_ping_manager", "base.group_user,retail_sync_core.group_manager"
        )

    def setUp(self):
        super().setUp()
        self.storefront.reset()

    def make_channel(self, code, **values):
        return self.env["retail.sync.channel"].create(
            {"name": f"Ping {code}", "code": code, **values}
        )

    def send_test_event(self, channel):
        """Press the button as the manager, let the run finish, return the run."""
        # Like a request, the button holds the test cursor: the run's thread
        # starts once it is done.
        with self.registry.test_lock:
            action = channel.with_user(self.manager).action_send_test_event()
        with BackgroundJobRunner(self.registry) as runner:
            wait_for_test_events()
        self.assertFalse(runner.errors)
        self.env.invalidate_all()
        self.assertEqual(action["res_model"], "retail.sync.channel.test")
        self.assertEqual(action["target"], "new")
        return self.env["retail.sync.channel.test"].browse(action["res_id"])

    def test_round_trip_through_the_whole_path(self):
        channel = self.make_channel("PING-1", push_url=self.storefront.url)
        self.storefront.secret = channel._rotate_push_secret()
        channel._rotate_signing_secret()  # the test event must be signed too
        run = self.send_test_event(channel)
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(run.user_id, self.manager)
        # Into Odoo: accepted by the endpoint, applied by the queue.
        event = run.event_id
        self.assertEqual(event.channel_id, channel)
        self.assertEqual(event.event_type, "system.ping")
        self.assertEqual(event.state, "done")
        self.assertTrue(event.result["pong"])
        self.assertGreater(run.accepted_ms, 0)
        self.assertGreaterEqual(run.applied_ms, run.accepted_ms)
        self.assertEqual(run.queue_ms, event.latency_ms)
        # Out to the channel: a signed ping its endpoint verified.
        [(_arrived, _headers, body, verified)] = self.storefront.received
        self.assertTrue(verified)
        self.assertEqual(body["type"], "system.ping")
        self.assertEqual(body["event_id"], run.external_id)
        self.assertEqual(run.push_outcome, "200 delivered")
        self.assertGreater(run.push_ms, 0)
        delivery = self.env["retail.sync.delivery"].search(
            [("channel_id", "=", channel.id), ("topic", "=", "system.ping")]
        )
        self.assertEqual(delivery.state, "delivered")
        # The key the event was sent with is gone; the channel's own stay.
        self.assertFalse(
            self.env["res.users.apikeys"]
            .sudo()
            .search([("user_id", "=", channel.user_id.id)])
        )
        self.assertIn("Test event round trip", channel.message_ids[0].body)
        self.assertIn(f"applied in {run.applied_ms} ms", channel.message_ids[0].body)
        self.assertEqual(channel.test_ids, run)

    def test_without_push_endpoint_only_the_inbound_path_is_tested(self):
        channel = self.make_channel("PING-2")
        key = channel._generate_api_key()
        # A run left "running" by a server restart is closed by the next one.
        stale = self.env["retail.sync.channel.test"].create(
            {"channel_id": channel.id, "external_id": "ping-stale"}
        )
        self.env.cr.execute(
            "UPDATE retail_sync_channel_test"
            " SET create_date = now() - interval '1 hour' WHERE id = %s",
            [stale.id],
        )
        run = self.send_test_event(channel)
        self.assertEqual(run.state, "done", run.message)
        self.assertFalse(run.push_outcome)
        self.assertEqual(stale.state, "failed")
        self.assertEqual(channel.test_ids, run | stale)
        self.assertEqual(run.event_id.state, "done")
        self.assertFalse(self.storefront.received)
        # The channel's own API key still works and is still the only lasting one.
        self.assertEqual(channel.api_key_count, 1)
        self.assertTrue(
            self.env["res.users.apikeys"]._check_credentials(scope="rpc", key=key)
        )

    def test_endpoint_refusing_the_ping_is_reported(self):
        channel = self.make_channel("PING-3", push_url=self.storefront.url)
        self.storefront.secret = channel._rotate_push_secret()
        self.storefront.set_mode("fail")
        with mute_logger("odoo.addons.retail_sync_core.models.retail_sync_delivery"):
            run = self.send_test_event(channel)
        self.assertEqual(run.state, "failed")
        self.assertEqual(run.event_id.state, "done")
        self.assertIn("did not take the ping", run.message)
        self.assertIn("500", run.message)
        delivery = self.env["retail.sync.delivery"].search(
            [("channel_id", "=", channel.id), ("topic", "=", "system.ping")]
        )
        # Reported, not left to be retried.
        self.assertEqual(delivery.state, "dead")
        self.assertIn("Test event failed", channel.message_ids[0].body)

    def test_event_type_the_channel_may_not_send_is_reported(self):
        order_contract = self.env["retail.sync.contract"].search(
            [("event_type", "=", "ecom.order.created")]
        )
        channel = self.make_channel("PING-4", contract_ids=[(6, 0, order_contract.ids)])
        run = self.send_test_event(channel)
        self.assertEqual(run.state, "failed")
        self.assertIn("answered 403", run.message)
        self.assertIn("may not send system.ping", run.message)
        self.assertFalse(run.event_id)

    def test_tour_manager_creates_a_channel_and_sends_a_test_event(self):
        with BackgroundJobRunner(self.registry) as runner:
            self.start_tour(
                "/odoo", "retail_sync_channel_test_event_tour", login="rs_ping_manager"
            )
            wait_for_test_events()
        self.assertFalse(runner.errors)
        self.env.invalidate_all()
        channel = self.env["retail.sync.channel"].search([("code", "=", "TOUR-OUT")])
        self.assertEqual(channel.name, "Tour Outlet POS")
        run = channel.test_ids
        self.assertEqual(run.state, "done", run.message)
        self.assertEqual(run.user_id, self.manager)
        self.assertEqual(run.event_id.state, "done")
        self.assertTrue(channel.user_id.has_group("retail_sync_core.group_integration"))
