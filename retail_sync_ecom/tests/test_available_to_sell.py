# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import time
from datetime import timedelta

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.retail_sync_queue.tests.common import (
    pending_jobs,
    perform_job,
    perform_pending_jobs,
    run_after_commit,
)

from .common import ReferenceChannel


@tagged("post_install", "-at_install")
class TestAvailableToSell(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.storefront = ReferenceChannel().start()
        cls.addClassCleanup(cls.storefront.stop)
        Warehouse = cls.env["stock.warehouse"]
        cls.central = Warehouse.create({"name": "ATS central", "code": "ATC"})
        cls.store = Warehouse.create({"name": "ATS store", "code": "ATS"})
        cls.channel = cls.env["retail.sync.channel"].create(
            {
                "name": "ATS storefront",
                "code": "ATS-WEB",
                "kind": "ecommerce",
                "push_url": cls.storefront.url,
                "fulfilment_warehouse_id": cls.central.id,
                "feed_location_ids": [(6, 0, [cls.central.lot_stock_id.id])],
                "safety_buffer": 1,
            }
        )
        cls.storefront.secret = cls.channel._rotate_push_secret()
        cls.kettle = cls.env["product.product"].create(
            {"name": "Kettle", "default_code": "ATS-KETTLE", "is_storable": True}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.kettle, cls.central.lot_stock_id, 10
        )
        cls.env.cr.flush()
        perform_pending_jobs(cls.env)

    def setUp(self):
        super().setUp()
        self.storefront.reset()

    def push(self):
        """Commit-time hooks, then the push jobs, as the server would run them."""
        self.env.cr.flush()
        perform_pending_jobs(self.env)

    def deliveries(self):
        return self.env["retail.sync.delivery"].search(
            [("channel_id", "=", self.channel.id)], order="id desc"
        )

    def push_jobs(self):
        return self.env["queue.job"].search(
            [("method_name", "=", "_push_available"), ("state", "=", "pending")]
        )

    def test_initial_stock_reached_the_storefront(self):
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "delivered")
        [figure] = delivery.payload["figures"]
        self.assertEqual(figure["sku"], "ATS-KETTLE")
        self.assertEqual(figure["available"], 9.0, "10 on hand minus a buffer of 1")

    def test_push_jobs_take_their_channel_from_the_job_function(self):
        function = self.env.ref("retail_sync_ecom.queue_job_function_push_available")
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, 1
        )
        self.env.cr.flush()
        job = self.env["queue.job"].search(
            [("method_name", "=", "_push_available"), ("state", "=", "pending")]
        )
        self.assertEqual(job.job_function_id, function)
        self.assertEqual(job.channel, "root.retail_sync.push")
        # An admin moves pushes to another channel: data, no code.
        slow = self.env["queue.job.channel"].create(
            {"name": "slow_push", "parent_id": function.channel_id.parent_id.id}
        )
        function.channel_id = slow
        job.unlink()
        self.channel._enqueue_push()
        job = self.env["queue.job"].search(
            [("method_name", "=", "_push_available"), ("state", "=", "pending")]
        )
        self.assertEqual(job.channel, "root.retail_sync.slow_push")

    def test_a_background_job_pushes_as_soon_as_it_commits(self):
        # A stock change in a queue job (a drain): the figure leaves with the
        # job's commit, in its worker, before any push job runs.
        self.env.cr.postcommit.clear()  # the class setup's pushes' follow-ups
        job_env = self.env(context=dict(self.env.context, job_uuid="drain-job"))
        job_env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -3
        )
        self.env.cr.precommit.run()
        self.assertFalse(self.storefront.received)
        run_after_commit(self.env)
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 6.0)
        # The push job enqueued with the change is a safety net, due seconds
        # later (no runner dispatch on the figure's way), and finds nothing left.
        [job] = self.push_jobs()
        self.assertEqual(job.identity_key, f"retail_sync.push:{self.channel.id}:safety")
        self.assertGreaterEqual(job.eta, job.date_created + timedelta(seconds=2))
        perform_pending_jobs(self.env)
        self.assertEqual(len(self.storefront.received), 1)

    def test_the_safety_net_pushes_when_the_worker_dies_after_its_commit(self):
        # The drain committed its stock change and pending row, then its worker was
        # killed before the push at commit ran: the delayed push job sends it.
        job_env = self.env(context=dict(self.env.context, job_uuid="drain-job"))
        job_env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -3
        )
        self.env.cr.precommit.run()
        self.env.cr.postcommit.clear()
        self.assertFalse(self.storefront.received)
        [job] = self.push_jobs()
        self.assertTrue(job.identity_key.endswith(":safety"))
        perform_pending_jobs(self.env)
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 6.0)

    def test_a_user_request_leaves_the_push_to_its_job(self):
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -3
        )
        self.env.cr.precommit.run()
        run_after_commit(self.env)
        self.assertFalse(self.storefront.received)
        # Due now, under the push's own identity: no safety delay.
        [job] = self.push_jobs()
        self.assertEqual(job.identity_key, f"retail_sync.push:{self.channel.id}")
        self.assertFalse(job.eta)
        perform_pending_jobs(self.env)
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 6.0)

    def test_manual_inventory_adjustment_in_the_ui_pushes(self):
        quant = self.env["stock.quant"].search(
            [
                ("product_id", "=", self.kettle.id),
                ("location_id", "=", self.central.lot_stock_id.id),
            ]
        )
        quant.with_context(inventory_mode=True).inventory_quantity = 4
        quant.action_apply_inventory()
        self.push()
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 3.0)
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(delivery.response_status, 200)
        headers = self.storefront.received[-1][1]
        self.assertTrue(headers["webhook-signature"].startswith("v1,"))
        self.assertTrue(self.storefront.received[-1][3], "signature verified")

    def test_web_order_reservation_lowers_the_figure_and_cancel_raises_it(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.env.ref("base.res_partner_2").id
                if self.env.ref("base.res_partner_2", raise_if_not_found=False)
                else self.env["res.partner"].create({"name": "Buyer"}).id,
                "warehouse_id": self.central.id,
                "order_line": [
                    (0, 0, {"product_id": self.kettle.id, "product_uom_qty": 3})
                ],
            }
        )
        order.action_confirm()
        self.push()
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 6.0)
        order._action_cancel()
        self.push()
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 9.0)

    def test_figure_never_below_zero_and_other_locations_ignored(self):
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.store.lot_stock_id, 50
        )
        self.push()
        self.assertEqual(self.storefront.received, [], "the store does not feed it")
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -15
        )
        self.push()
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 0.0)

    def test_a_burst_coalesces_into_one_push_with_the_final_value(self):
        before = len(self.storefront.received)
        for _sale in range(100):
            self.env["stock.quant"]._update_available_quantity(
                self.kettle, self.central.lot_stock_id, -0.05
            )
            self.env.cr.flush()
        perform_pending_jobs(self.env)
        self.assertEqual(len(self.storefront.received) - before, 1)
        self.assertAlmostEqual(self.storefront.available("ATS-KETTLE"), 4.0)

    def _push_then_change_once_more(self):
        """A push runs while a tail (or a push that stepped back for it) waits on
        its delay; then a change commits whose enqueue saw them waiting (after the
        push's snapshot), so it made no job. Returns the waiting job."""
        self.env.cr.postcommit.clear()
        sell = self.env["stock.quant"]._update_available_quantity
        sell(self.kettle, self.central.lot_stock_id, -1)
        self.env.cr.flush()
        [push] = pending_jobs(self.env)
        sell(self.kettle, self.central.lot_stock_id, -1)
        self.env.cr.flush()
        [tail] = pending_jobs(self.env, ":tail")
        self.assertTrue(tail.eta, "the tail waits on its delay")
        perform_job(self.env, push)
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 7.0)
        sell(self.kettle, self.central.lot_stock_id, -1)
        self.env.cr.flush()
        (pending_jobs(self.env) - tail).unlink()
        return tail

    def test_a_push_enqueues_one_due_now_while_the_tail_waits(self):
        tail = self._push_then_change_once_more()
        eta = tail.eta
        run_after_commit(self.env)
        follower = pending_jobs(self.env) - tail
        self.assertEqual(
            (follower.identity_key, follower.eta),
            (f"retail_sync.push:{self.channel.id}", False),
        )
        self.assertEqual(tail.eta, eta, "the runner's rows are not written")
        perform_job(self.env, follower)
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 6.0)

    def test_a_push_enqueues_the_next_one_when_none_waits(self):
        self._push_then_change_once_more().unlink()
        run_after_commit(self.env)
        [follower] = pending_jobs(self.env)
        self.assertEqual(
            (follower.method_name, follower.identity_key, follower.eta),
            ("_push_available", f"retail_sync.push:{self.channel.id}", False),
        )
        perform_pending_jobs(self.env)
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 6.0)

    def test_a_push_with_nothing_left_enqueues_nothing(self):
        self.env.cr.postcommit.clear()
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -1
        )
        self.push()
        run_after_commit(self.env)
        self.assertFalse(pending_jobs(self.env))

    @mute_logger("odoo.addons.retail_sync_core.models.retail_sync_delivery")
    def test_down_channel_gets_the_latest_value_when_back(self):
        self.storefront.set_mode("fail")
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -2
        )
        self.push()
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "failed")
        self.assertEqual(delivery.response_status, 500)
        self.assertTrue(delivery.next_attempt_at)
        # More sales while it is down; then it comes back and the retry is due.
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -3
        )
        self.env.cr.flush()
        self.storefront.set_mode("ok")
        delivery.next_attempt_at = False
        perform_pending_jobs(self.env)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 4.0)
        self.assertFalse(
            self.env["retail.sync.push.pending"].search(
                [("channel_id", "=", self.channel.id)]
            )
        )

    @mute_logger("odoo.addons.retail_sync_core.models.retail_sync_delivery")
    def test_answers_429_410_and_4xx(self):
        self.storefront.set_mode("throttle", retry_after=120)
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -1
        )
        self.push()
        delivery = self.deliveries()[0]
        self.assertEqual(delivery.state, "failed")
        self.assertEqual(delivery.response_status, 429)
        wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
        self.assertGreaterEqual(wait, 119)
        self.assertEqual(self.channel.circuit_failures, 0, "429 is not an outage")

        delivery.next_attempt_at = False
        self.storefront.set_mode("reject")
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -1
        )
        self.push()
        self.assertEqual(delivery.state, "dead")
        self.assertEqual(delivery.response_status, 400)

        self.storefront.set_mode("gone")
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -1
        )
        self.push()
        self.assertFalse(self.channel.push_enabled)
        self.assertIn("410", self.channel.push_disabled_reason)
        self.storefront.set_mode("ok")
        self.channel.action_enable_push()
        self.push()
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 6.0)

    @mute_logger("odoo.addons.retail_sync_core.models.retail_sync_delivery")
    def test_circuit_opens_after_repeated_failures_and_probes(self):
        self.storefront.set_mode("fail")
        for _attempt in range(5):
            self.env["stock.quant"]._update_available_quantity(
                self.kettle, self.central.lot_stock_id, -0.5
            )
            self.push()
            self.deliveries()[0].next_attempt_at = False
        self.assertEqual(self.channel.circuit_state, "open")
        sent = len(self.storefront.received)
        attempts = self.deliveries()[0].attempts
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -0.5
        )
        self.push()
        self.assertEqual(self.deliveries()[0].attempts, attempts, "no call while open")
        self.storefront.set_mode("ok")
        self.channel.circuit_retry_at = time.time() - 1
        self.push()
        self.assertEqual(self.channel.circuit_state, "closed")
        self.assertGreater(len(self.storefront.received), sent)
        self.assertEqual(self.storefront.available("ATS-KETTLE"), 6.0)

    def test_click_and_collect_reservation_reaches_the_pickup_store_pos(self):
        store_pos = ReferenceChannel().start()
        self.addCleanup(store_pos.stop)
        pos_channel = self.env["retail.sync.channel"].create(
            {
                "name": "ATS pickup store POS",
                "code": "ATS-POS",
                "kind": "pos",
                "push_url": store_pos.url,
                "feed_location_ids": [(6, 0, [self.store.lot_stock_id.id])],
            }
        )
        store_pos.secret = pos_channel._rotate_push_secret()
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.store.lot_stock_id, 5
        )
        self.push()
        self.assertEqual(store_pos.available("ATS-KETTLE"), 5.0)
        self.env["retail.sync.binding"].create(
            {
                "channel_id": self.channel.id,
                "kind": "store",
                "external_ref": "ATS-STORE",
                "record_ref": f"stock.warehouse,{self.store.id}",
            }
        )
        event = {
            "id": "cc-1",
            "type": "ecom.order.created",
            "schema_version": 1,
            "occurred_at": "2026-11-27T10:00:00+01:00",
            "data": {
                "order_ref": "CC-1",
                "fulfilment": {
                    "mode": "click_and_collect",
                    "pickup_store": "ATS-STORE",
                },
                "lines": [{"sku": "ATS-KETTLE", "quantity": 2, "unit_price": 30.0}],
                "customer": {"email": "collect@example.com"},
            },
        }
        Event = self.env["retail.sync.event"]
        Event._receive(self.channel, json.dumps(event).encode())
        self.env["retail.sync.drain"]._drain_key(self.channel.id, "order:CC-1")
        self.push()
        self.assertEqual(store_pos.available("ATS-KETTLE"), 3.0)
        figures = [
            body
            for _at, _headers, body, _verified in self.storefront.received
            if body["type"] == "inventory.available"
        ]
        self.assertEqual(figures, [], "the store does not feed the web")
        # The web order's own status does reach its storefront.
        [status] = [body for _a, _h, body, _v in self.storefront.received]
        self.assertEqual(status["type"], "order.status")

    def test_no_endpoint_records_nothing_and_enabling_resends_everything(self):
        quiet = self.env["retail.sync.channel"].create(
            {
                "name": "ATS not yet connected",
                "code": "ATS-QUIET",
                "kind": "ecommerce",
                "feed_location_ids": [(6, 0, [self.central.lot_stock_id.id])],
            }
        )
        Pending = self.env["retail.sync.push.pending"]
        self.env["stock.quant"]._update_available_quantity(
            self.kettle, self.central.lot_stock_id, -4
        )
        self.env.cr.flush()
        self.assertFalse(Pending.search([("channel_id", "=", quiet.id)]))
        later = ReferenceChannel().start()
        self.addCleanup(later.stop)
        quiet.push_url = later.url
        later.secret = quiet._rotate_push_secret()
        self.push()
        self.assertEqual(later.available("ATS-KETTLE"), 6.0)
