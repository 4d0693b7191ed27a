# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import InboxMixin, make_event, make_user

STAT_FIELDS = [
    "channel_id",
    "domain",
    "period_start",
    "period_hour",
    "period_minutes",
    "received_count",
    "applied_count",
    "failed_count",
    "skipped_count",
    "duplicate_count",
    "latency_max_ms",
    "last_received_at",
    "latency_le_500ms",
    "latency_le_5000ms",
]


@tagged("post_install", "-at_install")
class TestOverview(InboxMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Stat = cls.env["retail.sync.stat"]
        cls.channel, cls.key = cls.make_channel("OVW", quiet_period_minutes=0)
        cls.operator = make_user(
            cls.env,
            "rs_overview_operator",
            "base.group_user,retail_sync_core.group_user",
        )

    def setUp(self):
        super().setUp()
        # Half past a minute, 30 to 90 s ago: events a few seconds apart stay in
        # the minute they were stored for, and are in the past when read.
        self.now = fields.Datetime.now().replace(second=30, microsecond=0) - timedelta(
            minutes=1
        )

    def ago(self, **delta):
        return self.now - timedelta(**delta)

    def stats(self, channel=None):
        rows = self.Stat.search(
            [("channel_id", "=", (channel or self.channel).id)],
            order="domain, period_minutes, period_start",
        )
        # Without ids: a rerun rewrites the rows it recomputes.
        return [
            {name: row[name] for name in STAT_FIELDS}
            for row in rows.read(STAT_FIELDS, load=None)
        ]

    def load_known_events(self):
        """Inventory: 10 applied (8 in 500 ms, 2 in 5 s), 1 failed to retry, 2
        queued, 3 duplicates; orders: 1 dead; an applied event of 30 minutes ago."""
        for _n in range(8):
            self.store_event(self.channel, self.ago(minutes=3), latency_ms=500)
        for _n in range(2):
            self.store_event(self.channel, self.ago(minutes=3), latency_ms=5_000)
        self.store_event(self.channel, self.ago(minutes=2), state="failed")
        for _n in range(2):
            self.store_event(self.channel, self.ago(minutes=1), state="queued")
        self.store_event(self.channel, self.ago(minutes=4), "dead", domain="orders")
        self.store_event(self.channel, self.ago(minutes=30), latency_ms=100)
        self.env["retail.sync.duplicate"]._record(
            self.channel, ["inventory"] * 3, self.ago(minutes=1)
        )

    def line(self, domain):
        return self.channel.domain_ids.filtered(lambda line: line.domain == domain)

    def test_rollup_counts_known_events_per_minute(self):
        self.load_known_events()
        self.Stat._rollup(self.now)
        inventory = [row for row in self.stats() if row["domain"] == "inventory"]
        by_minute = {row["period_start"]: row for row in inventory}
        three = by_minute[self.ago(minutes=3).replace(second=0)]
        self.assertEqual(three["received_count"], 10)
        self.assertEqual(three["applied_count"], 10)
        self.assertEqual(three["latency_le_500ms"], 8)
        self.assertEqual(three["latency_le_5000ms"], 2)
        self.assertEqual(three["latency_max_ms"], 5_000)
        self.assertEqual(
            by_minute[self.ago(minutes=2).replace(second=0)]["failed_count"], 1
        )
        one = by_minute[self.ago(minutes=1).replace(second=0)]
        self.assertEqual((one["received_count"], one["duplicate_count"]), (2, 3))
        self.assertEqual(one["last_received_at"], self.ago(minutes=1))
        self.assertEqual(sum(row["received_count"] for row in inventory), 14)
        orders = [row for row in self.stats() if row["domain"] == "orders"]
        self.assertEqual(
            [(r["received_count"], r["failed_count"]) for r in orders], [(1, 1)]
        )

    def test_rollup_rerun_is_idempotent_and_picks_up_new_events(self):
        self.load_known_events()
        self.Stat._rollup(self.now)
        first = self.stats()
        self.Stat._rollup(self.now)
        self.assertEqual(self.stats(), first)
        # An event committed late, stamped within the settle window, is counted
        # once by the next run; nothing else moves.
        self.store_event(self.channel, self.ago(minutes=2), latency_ms=200)
        self.Stat._rollup(self.now + timedelta(minutes=1))
        again = self.stats()
        self.assertEqual(
            sum(r["received_count"] for r in again),
            sum(r["received_count"] for r in first) + 1,
        )
        self.assertEqual(
            sum(r["applied_count"] for r in again),
            sum(r["applied_count"] for r in first) + 1,
        )

    def test_old_minutes_fold_into_hours(self):
        old = self.ago(days=3).replace(minute=10)
        for minute in (0, 20, 55):
            self.store_event(
                self.channel, old + timedelta(minutes=minute), latency_ms=300
            )
        self.store_event(self.channel, self.ago(minutes=2), latency_ms=300)
        self.Stat._rollup(self.now)
        rows = self.stats()
        hours = [r for r in rows if r["period_minutes"] == 60]
        minutes = [r for r in rows if r["period_minutes"] == 1]
        hour_start = old.replace(minute=0, second=0)
        self.assertEqual(
            [
                (r["period_start"], r["received_count"], r["applied_count"])
                for r in hours
            ],
            [(hour_start, 2, 2), (hour_start + timedelta(hours=1), 1, 1)],
        )
        self.assertEqual(hours[0]["period_hour"], hour_start.strftime("%Y-%m-%d %H:00"))
        self.assertEqual(sum(r["received_count"] for r in minutes), 1)
        # Rerunning does not fold or count them again.
        self.Stat._rollup(self.now)
        self.assertEqual(self.stats(), rows)

    def test_a_quiet_spell_never_counts_folded_minutes_twice(self):
        # Sales around the turn of an hour, then nothing for over two hours: the
        # minutes before the hour are folded while the latest minute row is after it.
        hour = self.ago(hours=4).replace(minute=0, second=0)
        for minute in (-3, -1, 1, 2):
            self.store_event(
                self.channel, hour + timedelta(minutes=minute), latency_ms=300
            )
        self.Stat._rollup(hour + timedelta(minutes=3))
        later = hour + timedelta(hours=2, minutes=30)
        self.Stat._rollup(later)
        folded = self.stats()
        self.assertEqual(sum(r["received_count"] for r in folded), 4)
        self.Stat._rollup(later + timedelta(minutes=1))
        self.assertEqual(self.stats(), folded)

    def test_figures_of_a_channel_and_its_domains(self):
        self.load_known_events()
        self.Stat._rollup(self.now)
        inventory = self.line("inventory")
        self.assertEqual(inventory.queue_depth, 3)
        self.assertEqual(inventory.retrying_count, 1)
        self.assertEqual(inventory.dead_count, 0)
        self.assertGreaterEqual(inventory.oldest_pending_seconds, 150)
        self.assertLess(inventory.oldest_pending_seconds, 240)
        # Shown with one decimal.
        self.assertAlmostEqual(inventory.events_per_minute_short, 13 / 5, delta=0.05)
        self.assertAlmostEqual(inventory.events_per_minute_long, 13 / 15, delta=0.05)
        # p50 inside the 500 ms bucket, p95 inside the 5 s one: above the 2 s target.
        self.assertTrue(250 < inventory.latency_p50_ms <= 500)
        self.assertTrue(3_000 < inventory.latency_p95_ms <= 5_000)
        self.assertAlmostEqual(inventory.failure_rate, 100 / 11, delta=0.06)
        self.assertAlmostEqual(inventory.duplicate_rate, 100 * 3 / 16, delta=0.06)
        self.assertEqual(inventory.health, "breach")
        orders = self.line("orders")
        self.assertEqual((orders.dead_count, orders.health), (1, "breach"))
        self.assertEqual(self.line("refunds").health, "ok")
        channel = self.channel
        self.assertEqual(channel.queue_depth, 3)
        self.assertEqual(channel.dead_count, 1)
        self.assertEqual(channel.health, "breach")
        self.assertEqual(channel.health_color, 1)
        self.assertEqual(channel.last_event_at, self.ago(minutes=1))
        self.assertIn("Inventory: p95", channel.latency_summary)

    def test_last_event_includes_events_after_the_rollup_and_duplicates(self):
        self.store_event(self.channel, self.ago(minutes=20), latency_ms=100)
        self.Stat._rollup(self.now - timedelta(minutes=10))
        self.assertEqual(self.channel.last_event_at, self.ago(minutes=20))
        self.store_event(self.channel, self.ago(minutes=5), state="queued")
        self.channel.invalidate_recordset()
        self.assertEqual(self.channel.last_event_at, self.ago(minutes=5))
        self.env["retail.sync.duplicate"]._record(
            self.channel, ["orders"], self.ago(minutes=1)
        )
        self.channel.invalidate_recordset()
        self.assertEqual(self.channel.last_event_at, self.ago(minutes=1))

    def test_duplicates_are_counted_by_the_endpoint(self):
        event = make_event(event_id="dup-1")
        body = json.dumps({"events": [event, event]}).encode()
        Event = self.env["retail.sync.event"]
        Event._receive(self.channel, body)
        Event._receive(self.channel, json.dumps(event).encode())
        duplicates = self.env["retail.sync.duplicate"].search(
            [("channel_id", "=", self.channel.id)]
        )
        self.assertEqual(sum(duplicates.mapped("count")), 2)
        self.assertEqual(set(duplicates.mapped("domain")), {"system"})
        self.Stat._rollup(fields.Datetime.now() + timedelta(seconds=1))
        rows = self.stats()
        self.assertEqual(sum(r["duplicate_count"] for r in rows), 2)
        self.assertEqual(sum(r["received_count"] for r in rows), 1)

    def test_health_colours(self):
        quiet, _key = self.make_channel("OVW-QUIET", quiet_period_minutes=0)
        self.assertEqual((quiet.health, quiet.health_color), ("ok", 10))
        retrying, _key = self.make_channel("OVW-RETRY", quiet_period_minutes=0)
        self.store_event(retrying, self.ago(seconds=1), state="failed")
        self.assertEqual((retrying.health, retrying.health_color), ("warning", 2))
        silent, _key = self.make_channel("OVW-SILENT", quiet_period_minutes=10)
        self.store_event(silent, self.ago(minutes=30), latency_ms=100)
        self.assertEqual((silent.health, silent.health_color), ("down", 9))
        self.assertIn(silent.silence_age, ("30 min", "31 min"))
        circuit, _key = self.make_channel("OVW-CIRCUIT", quiet_period_minutes=0)
        circuit.sudo().circuit_state = "open"
        self.assertEqual((circuit.health, circuit.health_color), ("down", 9))

    def test_operator_sees_the_overview_but_cannot_edit_tiers(self):
        self.load_known_events()
        self.Stat._rollup(self.now)
        channel = self.channel.with_user(self.operator)
        self.assertEqual(channel.health, "breach")
        kanban = channel.get_views([(False, "kanban")])["views"]["kanban"]
        self.assertIn("health_color", kanban["arch"])
        lines = (
            self.env["retail.sync.channel.domain"]
            .with_user(self.operator)
            .search([("channel_id", "=", self.channel.id)])
        )
        self.assertEqual(lines.mapped("queue_depth").count(3), 1)
        graph = self.Stat.with_user(self.operator)._read_group(
            [("channel_id", "=", self.channel.id)],
            ["domain"],
            ["received_count:sum"],
        )
        self.assertEqual(dict(graph)["inventory"], 14)
        with self.assertRaises(AccessError):
            lines[:1].write({"latency_target_ms": 10})
        with self.assertRaises(AccessError):
            lines[:1].unlink()
        menus = self.env["ir.ui.menu"].with_user(self.operator)._visible_menu_ids()
        self.assertIn(
            self.env.ref("retail_sync_core.retail_sync_channel_overview_menu").id,
            menus,
        )
        # Sync tiers sits in Configuration, a managers' menu.
        tiers = self.env.ref("retail_sync_core.retail_sync_channel_domain_menu")
        self.assertEqual(
            tiers.parent_id,
            self.env.ref("retail_sync_core.retail_sync_configuration_menu"),
        )
        self.assertNotIn(tiers.parent_id.id, menus)

    def test_manager_edits_tiers(self):
        manager = make_user(
            self.env,
            "rs_overview_manager",
            "base.group_user,retail_sync_core.group_manager",
        )
        line = self.line("refunds").with_user(manager)
        line.write({"tier": "batch", "latency_target_ms": 3_600_000})
        self.assertEqual(line.latency_target_ms, 3_600_000)

    def test_overview_is_the_default_of_the_app(self):
        menus = self.env["ir.ui.menu"].load_web_menus(False)
        root = menus[self.env.ref("retail_sync_core.retail_sync_root_menu").id]
        overview = self.env.ref("retail_sync_core.retail_sync_channel_overview_action")
        self.assertEqual(root["actionID"], overview.id)

    def test_card_drills_to_the_channel_events(self):
        action = self.channel.action_open_events()
        self.assertEqual(action["res_model"], "retail.sync.event")
        self.assertEqual(
            action["context"]["search_default_channel_id"], self.channel.id
        )
        dead = self.channel.action_open_dead_letters()
        self.assertEqual(dead["context"]["search_default_dead"], 1)
        by_domain = self.line("orders").action_open_events()
        self.assertEqual(by_domain["domain"], [("domain", "=", "orders")])


@tagged("post_install", "-at_install")
class TestOverviewTour(InboxMixin, HttpCase):
    def test_tour_overview_opens_and_drills_down(self):
        channel, _key = self.make_channel("OVW-TOUR", name="Overview Tour Store")
        now = fields.Datetime.now()
        self.store_event(channel, now - timedelta(minutes=2), latency_ms=400)
        self.store_event(channel, now - timedelta(minutes=1), "dead", domain="orders")
        self.env["retail.sync.stat"]._rollup(now)
        self.start_tour("/odoo", "retail_sync_overview_tour", login="admin")
