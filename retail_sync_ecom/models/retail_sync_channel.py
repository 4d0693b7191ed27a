# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import functools
import logging
import random
import time
from datetime import UTC, datetime, timedelta

from psycopg2 import OperationalError

from odoo import api, fields, models, tools
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.retail_sync_core.engine import circuit, locks

_logger = logging.getLogger(__name__)

TOPIC = "inventory.available"
# Figures per push; a longer backlog is sent by the next job.
PUSH_BATCH = 2000
# The push job behind a push made at a drain's commit (`_enqueue_push`).
PUSH_SAFETY_DELAY = timedelta(seconds=2)
STATUS_TOPIC = "order.status"
# Click & collect orders pushed to their pickup store's POS channels.
PICKUP_TOPIC = "pickup.order"
# Orders per status push; a longer backlog is sent by the next job.
STATUS_BATCH = 500
# queue_job priority of order status and pickup order pushes: ahead of the drains
# (payments 4, orders 5) that share the server's job slots, so a customer sees
# "paid" while a backlog drains. One job per channel at a time: they cannot crowd
# the drains out.
ORDER_PUSH_PRIORITY = 3
# Order aging (see retail_sync_order_aging.py): the alert its order conditions feed,
# and the customer delivery states where the goods have not left yet.
LATE_ORDERS_ALERT = "late_orders"
OPEN_PICKING_STATES = ("draft", "waiting", "confirmed", "assigned")
NOT_RESERVED_STATES = ("draft", "waiting", "confirmed")


# How long a push job waits for the channel's push in progress before it steps
# back; and "at once" for queue_job, which reads a zero delay as its default (10
# minutes): the job runs again as soon as the runner dispatches it.
PUSH_LOCK_WAIT_MS = 1000
PUSH_AGAIN_SECONDS = 0.01


def _push_retry_seconds():
    """When a push job that stepped back for another push runs again: soon, with
    jitter, so that jobs which stepped back together do not meet again."""
    return random.uniform(0.5, 2.0)


def _push_now(channel_id, env):
    """The push made as a background job's transaction commits
    (`_push_after_commit`), in a transaction of its own."""
    try:
        env["retail.sync.channel"].browse(channel_id)._push_available(wait=False)
    except RetryableJobError as exc:
        # Another push holds the channel: its hand-on takes these figures.
        _logger.debug("Retail Sync: push to %s: %s", channel_id, exc)


class RetailSyncChannel(models.Model):
    _inherit = "retail.sync.channel"

    fulfilment_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Fulfilment warehouse",
        check_company=True,
        help="Warehouse that ships this storefront's orders (click & collect orders "
        "reserve in the pickup store instead). Empty: the company's first warehouse.",
    )

    def _ecom_fulfilment_warehouse(self):
        self.ensure_one()
        return self.fulfilment_warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )

    pickup_preparation_minutes = fields.Integer(
        "Pickup preparation time",
        default=120,
        help="Minutes a store has to prepare a click & collect order of this "
        "storefront: the ready-by time pushed to the store is the reservation "
        "time plus this.",
    )

    feed_location_ids = fields.Many2many(
        "stock.location",
        string="Feeding locations",
        domain=[("usage", "=", "internal")],
        help="Stock locations (and their children) whose stock this channel sells. "
        "Their available-to-sell figure is pushed to the channel on every change.",
    )
    safety_buffer = fields.Float(
        help="Units held back from the figure pushed, per product.",
    )
    push_format = fields.Selection(
        [("canonical", "Retail Sync (signed webhook)")],
        "Push format",
        required=True,
        default="canonical",
        help="How available-to-sell figures reach the channel: Retail Sync's own "
        "signed push to the push endpoint, or a platform's own API (an adapter "
        "addon adds its format; the push endpoint is then the shop's address).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        channels = super().create(vals_list)
        self.env.registry.clear_cache()
        channels.filtered("feed_location_ids")._queue_full_stock()
        return channels

    def write(self, vals):
        result = super().write(vals)
        push_setup = self._push_setup_fields() & set(vals)
        if push_setup or {"feed_location_ids", "active", "company_id"} & set(vals):
            self.env.registry.clear_cache()
        if {"feed_location_ids", "safety_buffer"} & set(vals) or push_setup:
            # A new feed or buffer changes every figure; an endpoint (re)enabled
            # missed every change: resend them all.
            self.filtered("feed_location_ids")._queue_full_stock()
        return result

    def _pushes_ready(self):
        """Retail Sync's own signed pushes (order statuses, pickup orders, the
        catalog...) go only to a channel in the canonical push format: a
        platform's API does not take them."""
        self.ensure_one()
        return self.push_format == "canonical" and super()._pushes_ready()

    def _ats_pushes_ready(self):
        """Whether available-to-sell figures can go to this channel in its push
        format: the canonical push needs its signing secret, a platform format
        the credentials its adapter asks for."""
        self.ensure_one()
        if self.push_format == "canonical":
            return self._pushes_ready()
        channel = self.sudo()
        return bool(
            channel.push_url
            and channel.push_enabled
            and channel._platform_credentials_set()
        )

    def _platform_credentials_set(self):
        """Whether the credentials of this channel's platform push format are
        set. An adapter addon answers for its format; a format whose adapter is
        not installed never pushes."""
        self.ensure_one()
        return False

    # ------------------------------------------------------------ push adapters
    def _ats_send(self, delivery):
        """Send one available-to-sell delivery (its payload: the canonical
        figures) and return the outcome of `retail.sync.delivery._record_attempt`.

        The extension point of platform adapters: an addon overrides this for
        its ``push_format``, sends the figures in the platform's own API and
        records the attempt on the delivery, so retries, the circuit breaker,
        the acknowledged figures and the pending rows work as for any push."""
        self.ensure_one()
        return delivery._send()

    def _ats_acknowledged(self):
        """{product id: (available, version, acknowledged at, delivery id,
        detail)} the stock comparison holds Odoo's figures against: by default
        the figures the channel last acknowledged (``detail`` None). A platform
        adapter whose API can be read overrides it to return the platform's real
        figures, read in bulk (``detail``: per-location figures, compared with
        the figure's ``locations``)."""
        self.ensure_one()
        self.env["retail.sync.stock.ack"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT product_id, available, version, acknowledged_at, delivery_id"
                " FROM retail_sync_stock_ack WHERE channel_id = %s",
                self.id,
            )
        )
        return {row[0]: (*row[1:], None) for row in self.env.cr.fetchall()}

    def _ats_repairs_drift(self):
        """Whether the stock comparison corrects this channel's differences by
        itself (a platform read as the truth) rather than listing them for a
        manager's Push."""
        self.ensure_one()
        return False

    @api.model
    def _push_setup_fields(self):
        """Fields whose change (re)enables pushes: every figure is resent. A
        platform adapter adds its credentials."""
        return {"push_url", "push_secret", "push_enabled", "push_format"}

    def _queue_full_stock(self):
        """Queue the figure of every product stocked at the feeding locations (a new
        channel, a changed feed, an endpoint enabled, or an operator's resync)."""
        Pending = self.env["retail.sync.push.pending"]
        for channel in self:
            if channel._ats_pushes_ready():
                Pending._queue_stocked(channel)

    def _stocked_products_query(self):
        """SQL selecting the products stocked at this channel's feeding locations
        and their children: the ones it should have a figure for."""
        self.ensure_one()
        feeds = self.feed_location_ids.ids
        return SQL(
            """
            SELECT DISTINCT q.product_id
              FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
             WHERE l.id = ANY(%s) OR l.parent_path ~ %s
            """,
            feeds,
            "(^|/)(" + "|".join(map(str, feeds)) + ")/",
        )

    def action_push_all_stock(self):
        self._check_manager()
        self.filtered("feed_location_ids")._queue_full_stock()
        for channel in self.filtered("feed_location_ids"):
            channel.message_post(
                body=self.env._("Every available-to-sell figure queued for a push.")
            )

    @api.model
    def _push_channel_domain(self):
        """Channels set up and enabled for available-to-sell pushes."""
        return [
            ("feed_location_ids", "!=", False),
            ("push_url", "!=", False),
            ("push_enabled", "=", True),
        ]

    @api.model
    @tools.ormcache()
    def _ats_subscriptions(self):
        """[(channel id, frozenset of feeding location ids as str)] of the channels
        that take available-to-sell pushes (set up and enabled: changes are not
        recorded for the others, which get a full resync when enabled)."""
        channels = self.sudo().search(self._push_channel_domain())
        return [
            (c.id, frozenset(str(i) for i in c.feed_location_ids.ids)) for c in channels
        ]

    def _push_job(self):
        """(records, method, identity, queue channel, priority, description) of the
        channel's push job, on the job function's queue channel (data)."""
        self.ensure_one()
        return (
            self,
            "_push_available",
            f"retail_sync.push:{self.id}",
            None,
            5,
            f"Retail Sync: push available-to-sell to {self.code}",
        )

    def _enqueue_push(self, safety_net=False):
        """The channel's push job, due now. With ``safety_net`` (this transaction's
        figures are pushed as it commits: `_push_after_commit`), a push job due
        PUSH_SAFETY_DELAY later, under an identity of its own so that it never
        delays a push due now: it finds nothing left, unless that push did not
        happen (the worker was killed between the commit and the push). One such
        job waits per channel, however many drains commit meanwhile, so under
        load pushes no longer cost a runner dispatch each."""
        records, method, identity, channel, priority, description = self._push_job()
        eta = None
        if safety_net:
            identity, eta = identity + ":safety", PUSH_SAFETY_DELAY
            description += " (safety net)"
        return self.env["retail.sync.job"]._enqueue_once(
            records, method, identity, channel, priority, description, eta=eta
        )

    def _pushes_left(self):
        """Whether figures wait for a push (in this transaction's snapshot)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM retail_sync_push_pending WHERE channel_id = %s LIMIT 1",
                self.id,
            )
        )
        return bool(self.env.cr.fetchone())

    def _available_to_sell(self, products):
        """{product id: figure} at the feeding locations: on hand minus reserved
        minus the safety buffer, never below zero."""
        self.ensure_one()
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", products.ids),
                    ("location_id", "child_of", self.feed_location_ids.ids),
                ],
                ["product_id"],
                ["quantity:sum", "reserved_quantity:sum"],
            )
        )
        totals = {product.id: (qty, reserved) for product, qty, reserved in groups}
        self.env.cr.execute("SELECT nextval('retail_sync_push_version_seq')")
        version = self.env.cr.fetchone()[0]
        figures = {}
        for product in products:
            on_hand, reserved = totals.get(product.id, (0.0, 0.0))
            figures[product.id] = {
                "sku": product.default_code or product.barcode or f"odoo-{product.id}",
                "product_id": product.id,
                "available": max(0.0, on_hand - reserved - self.safety_buffer),
                "on_hand": on_hand,
                "reserved": reserved,
                "version": version,
            }
        return figures

    def init(self):
        self.env.cr.execute(
            "CREATE SEQUENCE IF NOT EXISTS retail_sync_push_version_seq"
        )
        # Versions of the order statuses pushed (strictly increasing per order).
        self.env.cr.execute(
            "CREATE SEQUENCE IF NOT EXISTS retail_sync_order_status_version_seq"
        )

    def _push_after_commit(self):
        """In a background job (a drain), push these channels' figures as soon as
        its transaction commits, in the same worker: the figures do not wait for
        the job runner to dispatch the push job (tens of milliseconds, a few
        hundred under load). The push job enqueued with the pending rows is
        then only the safety net, due seconds later (`_enqueue_push`): it finds
        them gone, or pushes what came since. A push already running for a
        channel is left alone (its own follow-up takes the rest). Not in a
        user's request: a slow storefront would hold the screen. True when the
        push will be made at commit."""
        if not self.env.context.get("job_uuid"):
            return False
        Job = self.env["retail.sync.job"]
        for channel_id in self.ids:
            Job._run_after_commit(
                f"push_now:{channel_id}", functools.partial(_push_now, channel_id)
            )
        return True

    def _push_available(self, wait=True):
        """Push the figures this channel has not received (a queue job, or right
        after a drain commits: ``_push_after_commit``, with ``wait`` False).

        One push job per channel at a time, on a snapshot that sees the previous
        push (`_push_claim`). Figures are computed in this job's snapshot, after the
        stock change committed, each push carrying a higher version than the last.
        A failed push is retried later with fresh figures for its products plus any
        that changed meanwhile."""
        self.ensure_one()
        channel = self.sudo()
        cr = self.env.cr
        channel._push_claim(wait=wait)
        if not channel._ats_pushes_ready():
            return "pushes are not set up or disabled"
        now = time.time()
        state = channel._circuit()
        if not circuit.allows(state, now):
            channel._enqueue_push_later(
                datetime.fromtimestamp(state.retry_at, UTC).replace(tzinfo=None),
                ":probe",
            )
            return "circuit open"
        Delivery = self.env["retail.sync.delivery"].sudo()
        delivery = Delivery.search(
            [
                ("channel_id", "=", channel.id),
                ("topic", "=", TOPIC),
                ("state", "in", ("pending", "failed")),
            ],
            order="id",
            limit=1,
        )
        if (
            delivery.next_attempt_at
            and delivery.next_attempt_at > fields.Datetime.now()
        ):
            channel._enqueue_push_later(delivery.next_attempt_at, ":retry")
            return "waiting for the next attempt"
        cr.execute(
            SQL(
                "SELECT id, product_id FROM retail_sync_push_pending"
                " WHERE channel_id = %s ORDER BY id LIMIT %s",
                channel.id,
                PUSH_BATCH + 1,
            )
        )
        pending = cr.fetchall()
        last_id = pending[PUSH_BATCH - 1][0] if len(pending) > PUSH_BATCH else None
        pending = pending[:PUSH_BATCH]
        product_ids = {product_id for _id, product_id in pending}
        if delivery.payload:
            product_ids |= {
                f["product_id"] for f in delivery.payload.get("figures", [])
            }
        if not product_ids:
            channel._follow_up_push()
            return "nothing to push"
        products = (
            self.env["product.product"].sudo().browse(sorted(product_ids)).exists()
        )
        figures = channel._available_to_sell(products)
        payload = {
            "type": TOPIC,
            "channel": channel.code,
            "generated_at": datetime.now(UTC).isoformat(),
            "figures": list(figures.values()),
        }
        values = {"payload": payload, "item_count": len(figures)}
        if delivery:
            delivery.write(values)
        else:
            delivery = Delivery.create(dict(values, channel_id=channel.id, topic=TOPIC))
        outcome = channel._ats_send(delivery)
        if outcome == "delivered":
            self.env["retail.sync.stock.ack"]._record(delivery)
        if outcome in ("delivered", "dead") and pending:
            cr.execute(
                SQL(
                    "DELETE FROM retail_sync_push_pending WHERE channel_id = %s"
                    " AND id <= %s",
                    channel.id,
                    last_id or pending[-1][0],
                )
            )
        if outcome == "retry":
            channel._enqueue_push_later(delivery.next_attempt_at, ":retry")
        elif outcome == "delivered" and last_id:
            channel._enqueue_push()
        elif outcome == "delivered":
            channel._follow_up_push()
        return outcome

    def _follow_up_push(self):
        """Once this push commits, push at once what changed while it ran (its
        snapshot could not see it): the next job does not wait for a tail's delay,
        nor a job that stepped back for this one for its retry. Not after a failed
        send: its retry job is due at the backoff's time."""
        self.env["retail.sync.job"]._follow_up_after_commit(
            *self._push_job(), "_pushes_left"
        )

    def _push_claim(self, wait=True):
        """Make this job the channel's only push, on a snapshot that sees every
        earlier push; else raise RetryableJobError (run again, not counted as a
        failed try), before anything is read or sent.

        The advisory lock keeps two push jobs of a channel from running at once.
        It is not enough alone: Odoo transactions are repeatable read and queue_job
        has queried in the job's transaction before the job runs, so a job whose
        snapshot predates the commit of the previous push would not see its
        delivery, its acknowledged figures or the pending rows it consumed: it
        would push them again and collide on retail_sync_stock_ack.

        So a job that finds the lock taken waits for that push (pushes take tens
        of milliseconds; a slow channel is given up on after PUSH_LOCK_WAIT_MS
        and retried later) and then runs again at once, in a fresh transaction
        that sees what it pushed. A job that takes the lock at once updates the
        channel's row (a no-op update, in raw SQL: an ORM write of a channel
        clears the registry cache), which fails to serialize exactly when a push
        committed after this job's snapshot was taken: it too runs again at once.
        Inserts that reference the channel (pending pushes, deliveries, events)
        take a key-share lock, which this update never conflicts with."""
        self.ensure_one()
        cr = self.env.cr
        Lock = self.env["retail.sync.lock"]
        if not Lock._try(locks.PUSH_CHANNEL, self.id):
            if wait and Lock._wait(locks.PUSH_CHANNEL, self.id, PUSH_LOCK_WAIT_MS):
                raise RetryableJobError(
                    "waited for another push to this channel", PUSH_AGAIN_SECONDS, True
                )
            raise RetryableJobError(
                "another push to this channel is running", _push_retry_seconds(), True
            )
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "UPDATE retail_sync_channel SET write_date = write_date"
                        " WHERE id = %s",
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except OperationalError as exc:
            if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            raise RetryableJobError(
                "a push to this channel committed after this job's snapshot",
                PUSH_AGAIN_SECONDS,
                True,
            ) from exc

    def _ats_in_flight(self):
        """Ids of the products whose figure is on its way to this channel: a change
        not pushed yet, or a push being retried (its pending rows stay until the
        channel acknowledges it or refuses it for good)."""
        self.ensure_one()
        self.env["retail.sync.push.pending"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT product_id FROM retail_sync_push_pending"
                " WHERE channel_id = %s",
                self.id,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _enqueue_push_later(self, when, suffix):
        return self.env["retail.sync.job"]._enqueue(
            self,
            "_push_available",
            f"retail_sync.push:{self.id}{suffix}",
            None,
            5,
            f"Retail Sync: push available-to-sell to {self.code} (later)",
            eta=when,
        )

    # ------------------------------------------------------------ order status
    def _order_push_topics(self):
        """{topic: (job method, job identity prefix, job description)} of the pushes
        of web orders to a channel: order statuses to storefronts, pickup orders
        to stores. They share the pending rows (retail.sync.order.status.pending,
        per topic), the version sequence and the push discipline of
        `_push_order_topic`."""
        return {
            STATUS_TOPIC: (
                "_push_order_status",
                "retail_sync.order_status",
                "push order statuses to",
            ),
            PICKUP_TOPIC: (
                "_push_pickup_orders",
                "retail_sync.pickup_order",
                "push pickup orders to",
            ),
        }

    def _enqueue_order_topic_push(self, topic):
        """The channel's push job of ``topic``, on the job function's queue
        channel (data)."""
        self.ensure_one()
        method, identity, description = self._order_push_topics()[topic]
        return self.env["retail.sync.job"]._enqueue_once(
            self,
            method,
            f"{identity}:{self.id}",
            None,
            ORDER_PUSH_PRIORITY,
            f"Retail Sync: {description} {self.code}",
        )

    def _enqueue_order_topic_later(self, topic, when, suffix):
        method, identity, description = self._order_push_topics()[topic]
        return self.env["retail.sync.job"]._enqueue(
            self,
            method,
            f"{identity}:{self.id}{suffix}",
            None,
            ORDER_PUSH_PRIORITY,
            f"Retail Sync: {description} {self.code} (later)",
            eta=when,
        )

    def _push_pickup_orders(self):
        """Push the pickup orders of this store's click & collect orders that
        changed since their last push (a queue job): see `_push_order_topic`."""
        return self._push_order_topic(PICKUP_TOPIC)

    def _enqueue_order_status_push(self):
        return self._enqueue_order_topic_push(STATUS_TOPIC)

    def _enqueue_order_status_later(self, when, suffix):
        return self._enqueue_order_topic_later(STATUS_TOPIC, when, suffix)

    def _push_order_status(self):
        """Push the statuses of the web orders that changed since their last push
        (a queue job): see `_push_order_topic`."""
        return self._push_order_topic(STATUS_TOPIC)

    def _order_entries_to_push(self, topic, order_ids):
        """[(order, entry)] of these orders whose ``topic`` entry differs from the
        one this channel last received."""
        if topic == STATUS_TOPIC:
            return self._order_statuses_to_push(order_ids)
        if topic == PICKUP_TOPIC:
            return self._pickup_orders_to_push(order_ids)
        raise NotImplementedError(topic)

    def _record_order_entries(self, topic, fresh, entries, delivery):
        """Remember the ``topic`` entries this channel received."""
        if topic == STATUS_TOPIC:
            return self._record_order_statuses(fresh, entries, delivery)
        if topic == PICKUP_TOPIC:
            return self._record_pickup_orders(fresh, entries, delivery)
        raise NotImplementedError(topic)

    def _push_order_topic(self, topic):
        """Push the ``topic`` entries of the web orders that changed since their
        last push (a queue job).

        The same discipline as the available-to-sell push (`_push_claim`): one
        push to the channel at a time, on a snapshot that sees every earlier push,
        so the last pushed entry of each order is known and every push carries
        higher versions than the one before. Each entry is computed fresh here:
        the changes of an order since its last push become one entry with the
        latest state; an order whose entry the channel already has is not sent
        again. A failed push keeps its pending rows and is retried with fresh
        entries."""
        self.ensure_one()
        channel = self.sudo()
        cr = self.env.cr
        channel._push_claim()
        if not channel._pushes_ready():
            return "pushes are not set up or disabled"
        state = channel._circuit()
        if not circuit.allows(state, time.time()):
            channel._enqueue_order_topic_later(
                topic,
                datetime.fromtimestamp(state.retry_at, UTC).replace(tzinfo=None),
                ":probe",
            )
            return "circuit open"
        Delivery = self.env["retail.sync.delivery"].sudo()
        delivery = Delivery.search(
            [
                ("channel_id", "=", channel.id),
                ("topic", "=", topic),
                ("state", "in", ("pending", "failed")),
            ],
            order="id",
            limit=1,
        )
        if (
            delivery.next_attempt_at
            and delivery.next_attempt_at > fields.Datetime.now()
        ):
            channel._enqueue_order_topic_later(
                topic, delivery.next_attempt_at, ":retry"
            )
            return "waiting for the next attempt"
        cr.execute(
            SQL(
                "SELECT id, order_id, create_date FROM retail_sync_order_status_pending"
                " WHERE channel_id = %s AND topic = %s ORDER BY id LIMIT %s",
                channel.id,
                topic,
                STATUS_BATCH + 1,
            )
        )
        pending = cr.fetchall()
        more = len(pending) > STATUS_BATCH
        pending = pending[:STATUS_BATCH]
        if not pending:
            return "nothing to push"
        changed_at = {}
        for _id, order_id, created in pending:
            changed_at[order_id] = max(created, changed_at.get(order_id, created))
        fresh = channel._order_entries_to_push(topic, sorted(changed_at))
        outcome = "nothing new"
        if fresh:
            cr.execute(
                SQL(
                    "SELECT nextval('retail_sync_order_status_version_seq')"
                    " FROM generate_series(1, %s)",
                    len(fresh),
                )
            )
            versions = sorted(row[0] for row in cr.fetchall())
            entries = [
                dict(
                    entry,
                    version=version,
                    changed_at=changed_at[order.id].replace(tzinfo=UTC).isoformat(),
                )
                for (order, entry), version in zip(fresh, versions, strict=True)
            ]
            payload = {
                "type": topic,
                "channel": channel.code,
                "generated_at": datetime.now(UTC).isoformat(),
                "orders": entries,
            }
            values = {"payload": payload, "item_count": len(entries)}
            if delivery:
                delivery.write(values)
            else:
                delivery = Delivery.create(
                    dict(values, channel_id=channel.id, topic=topic)
                )
            outcome = delivery._send()
            if outcome == "delivered":
                channel._record_order_entries(topic, fresh, entries, delivery)
        if outcome in ("delivered", "dead", "nothing new"):
            cr.execute(
                SQL(
                    "DELETE FROM retail_sync_order_status_pending"
                    " WHERE channel_id = %s AND topic = %s AND id <= %s",
                    channel.id,
                    topic,
                    pending[-1][0],
                )
            )
        if outcome == "retry":
            channel._enqueue_order_topic_later(
                topic, delivery.next_attempt_at, ":retry"
            )
        elif more and outcome != "gone":
            channel._enqueue_order_topic_push(topic)
        return outcome

    def _order_statuses_to_push(self, order_ids):
        """[(order, status entry)] of these orders whose status differs from the
        one their storefront last received."""
        self.ensure_one()
        orders = (
            self.env["sale.order"]
            .sudo()
            .browse(order_ids)
            .exists()
            .filtered(
                lambda o: o.retail_sync_channel_id == self and o.retail_sync_order_ref
            )
        )
        pushed = {
            status.order_id.id: status.entry
            for status in self.env["retail.sync.order.status"]
            .sudo()
            .search([("order_id", "in", orders.ids)])
        }
        fresh = []
        for order in orders:
            entry = order._retail_sync_status()
            if pushed.get(order.id) != entry:
                fresh.append((order, entry))
        return fresh

    def _record_order_statuses(self, fresh, entries, delivery):
        """Remember what the storefront received, per order (the push job is the
        only writer: one per channel at a time)."""
        Status = self.env["retail.sync.order.status"].sudo()
        existing = {
            status.order_id.id: status
            for status in Status.search(
                [("order_id", "in", [order.id for order, _e in fresh])]
            )
        }
        now = fields.Datetime.now()
        to_create = []
        for (order, entry), pushed in zip(fresh, entries, strict=True):
            values = {
                "version": pushed["version"],
                "status": entry["status"],
                "entry": entry,
                "pushed_at": now,
                "delivery_id": delivery.id,
            }
            if order.id in existing:
                existing[order.id].write(values)
            else:
                to_create.append(dict(values, order_id=order.id, channel_id=self.id))
        Status.create(to_create)

    # ------------------------------------------------------------ click & collect
    @api.model
    def _pos_channels_of_warehouse(self, warehouse):
        """The POS channels of a store: active channels of kind POS, of the
        warehouse's company, with a store binding to the warehouse or to one of
        its stock locations."""
        if not warehouse:
            return self.browse()
        Binding = self.env["retail.sync.binding"].sudo()
        locations = (
            self.env["stock.location"]
            .sudo()
            .search([("warehouse_id", "=", warehouse.id)])
        )
        bindings = Binding.search(
            [
                ("kind", "=", "store"),
                ("channel_id.kind", "=", "pos"),
                ("channel_id.company_id", "=", warehouse.company_id.id),
                "|",
                "&",
                ("res_model", "=", "stock.warehouse"),
                ("res_id", "=", warehouse.id),
                "&",
                ("res_model", "=", "stock.location"),
                ("res_id", "in", locations.ids),
            ]
        )
        return bindings.channel_id.sudo().filtered("active")

    def _pickup_orders_to_push(self, order_ids):
        """[(order, pickup entry)] of these orders picked up in this channel's
        store whose pickup order differs from the one it last received (an order
        not reserved yet is not sent)."""
        self.ensure_one()
        orders = (
            self.env["sale.order"]
            .sudo()
            .browse(order_ids)
            .exists()
            .filtered(lambda o: self in o._retail_sync_pickup_channels())
        )
        pushed = {
            pickup.order_id.id: pickup.entry
            for pickup in self.env["retail.sync.pickup.order"]
            .sudo()
            .search([("order_id", "in", orders.ids), ("channel_id", "=", self.id)])
        }
        fresh = []
        for order in orders:
            entry = order._retail_sync_pickup_entry()
            if entry is not None and pushed.get(order.id) != entry:
                fresh.append((order, entry))
        return fresh

    def _record_pickup_orders(self, fresh, entries, delivery):
        """Remember what the store received, per order (the push job is the only
        writer: one per channel at a time)."""
        Pickup = self.env["retail.sync.pickup.order"].sudo()
        existing = {
            pickup.order_id.id: pickup
            for pickup in Pickup.search(
                [
                    ("order_id", "in", [order.id for order, _e in fresh]),
                    ("channel_id", "=", self.id),
                ]
            )
        }
        now = fields.Datetime.now()
        to_create = []
        for (order, entry), pushed in zip(fresh, entries, strict=True):
            values = {
                "version": pushed["version"],
                "status": entry["status"],
                "entry": entry,
                "ready_by": order._retail_sync_pickup_ready_by(),
                "pushed_at": now,
                "delivery_id": delivery.id,
            }
            if order.id in existing:
                existing[order.id].write(values)
            else:
                to_create.append(dict(values, order_id=order.id, channel_id=self.id))
        Pickup.create(to_create)

    # ------------------------------------------------------------ order aging

    aging_reserve_minutes = fields.Integer(
        "Reserve within (min)",
        default=15,
        help="A confirmed web order whose delivery is not reserved this long after "
        "the order is late (Order aging, Late orders alert). 0: never late.",
    )
    aging_ship_hours = fields.Integer(
        "Ship within (h)",
        default=48,
        help="A paid web order with nothing delivered this long after its payment "
        "was captured is late. 0: never late.",
    )
    aging_pickup_hours = fields.Integer(
        "Collected within (h)",
        default=72,
        help="A click & collect order ready for pickup and not collected this long "
        "after it was ready is late. 0: never late.",
    )
    late_order_count = fields.Integer(
        "Late orders",
        compute="_compute_late_order_count",
        help="Storefront orders beyond one of the channel's aging targets",
    )

    # ------------------------------------------------------------ the registry
    @api.model
    def _aging_conditions(self):
        """The aging conditions, as a list of dicts:

        - ``code``, ``label``: identify and name the condition;
        - ``model``: the model of its records (``sale.order`` ones appear in the
          Order aging report);
        - ``alert``: the retail.sync.alert condition it feeds;
        - ``target``: callable(channel) -> the target, as a text;
        - ``query``: callable(now) -> SQL selecting the late records as of ``now``
          (a SQL expression or a datetime), with columns channel_id, res_id,
          since (when the record entered the step) and target_minutes.

        Addons append theirs with super()."""
        return [
            {
                "code": "not_reserved",
                "label": self.env._("Not reserved"),
                "model": "sale.order",
                "alert": LATE_ORDERS_ALERT,
                "target": lambda channel: self.env._(
                    "%s min", channel.aging_reserve_minutes
                ),
                "query": self._aging_not_reserved_query,
            },
            {
                "code": "not_collected",
                "label": self.env._("Ready for pickup, not collected"),
                "model": "sale.order",
                "alert": LATE_ORDERS_ALERT,
                "target": lambda channel: self.env._(
                    "%s h", channel.aging_pickup_hours
                ),
                "query": self._aging_not_collected_query,
            },
        ]

    @api.model
    def _aging_condition(self, code):
        return next(c for c in self._aging_conditions() if c["code"] == code)

    @api.model
    def _aging_open_deliveries(self, states):
        """Customer deliveries of storefront orders in ``states``: the indexed,
        small starting set of the order conditions (open pickings are few)."""
        return SQL(
            """
            SELECT p.sale_id AS order_id
              FROM stock_picking p
              JOIN stock_location dest ON dest.id = p.location_dest_id
             WHERE p.state IN %s AND dest.usage = 'customer'
               AND p.sale_id IS NOT NULL
            """,
            tuple(states),
        )

    @api.model
    def _aging_not_reserved_query(self, now):
        return SQL(
            """
            SELECT o.retail_sync_channel_id AS channel_id, o.id AS res_id,
                   o.date_order AS since, c.aging_reserve_minutes AS target_minutes
              FROM sale_order o
              JOIN retail_sync_channel c ON c.id = o.retail_sync_channel_id
             WHERE o.id IN (%(open)s)
               AND o.state = 'sale' AND c.aging_reserve_minutes > 0
               AND o.date_order
                   < %(now)s - make_interval(mins => c.aging_reserve_minutes)
            """,
            open=self._aging_open_deliveries(NOT_RESERVED_STATES),
            now=now,
        )

    @api.model
    def _aging_not_collected_query(self, now):
        return SQL(
            """
            SELECT o.retail_sync_channel_id AS channel_id, o.id AS res_id,
                   o.retail_sync_ready_for_pickup_at AS since,
                   c.aging_pickup_hours * 60 AS target_minutes
              FROM sale_order o
              JOIN retail_sync_channel c ON c.id = o.retail_sync_channel_id
             WHERE o.id IN (%(open)s)
               AND o.state = 'sale' AND o.retail_sync_click_and_collect
               AND o.retail_sync_ready_for_pickup AND c.aging_pickup_hours > 0
               AND o.retail_sync_ready_for_pickup_at
                   < %(now)s - make_interval(hours => c.aging_pickup_hours)
            """,
            open=self._aging_open_deliveries(OPEN_PICKING_STATES),
            now=now,
        )

    # ------------------------------------------------------------ counting
    @api.model
    def _aging_counts(self, channel_ids, now=None, model=None, alert=None):
        """{condition code: {channel id: late records}} for ``channel_ids``, as of
        ``now``, optionally only the conditions of ``model`` or feeding ``alert``:
        one grouped query per condition."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        counts = {}
        for condition in self._aging_conditions():
            if (model and condition["model"] != model) or (
                alert and condition["alert"] != alert
            ):
                continue
            self.env.cr.execute(
                SQL(
                    """
                    SELECT late.channel_id, count(*)
                      FROM (%s) late
                     WHERE late.channel_id = ANY(%s)
                     GROUP BY late.channel_id
                    """,
                    condition["query"](now),
                    list(channel_ids),
                )
            )
            counts[condition["code"]] = dict(self.env.cr.fetchall())
        return counts

    @api.model
    def _aging_late_ids(self, code, channel_id, now=None):
        """Ids of the records late on condition ``code`` of a channel."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        condition = self._aging_condition(code)
        self.env.cr.execute(
            SQL(
                "SELECT late.res_id FROM (%s) late WHERE late.channel_id = %s",
                condition["query"](now),
                channel_id,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _compute_late_order_count(self):
        ids = [channel_id for channel_id in self._ids if isinstance(channel_id, int)]
        counts = self._aging_counts(ids, model="sale.order") if ids else {}
        for channel in self:
            channel.late_order_count = sum(
                by_channel.get(channel.id, 0) for by_channel in counts.values()
            )

    @api.model
    def _aging_alert_detail(self, channel, now, alert):
        """The text of ``alert`` for a channel (each condition feeding it beyond
        its target, with its count), or False when none is."""
        counts = self._aging_counts([channel.id], now, alert=alert)
        lines = []
        for condition in self._aging_conditions():
            late = counts.get(condition["code"], {}).get(channel.id)
            if late:
                lines.append(
                    self.env._(
                        "%(label)s: %(count)s beyond %(target)s",
                        label=condition["label"],
                        count=late,
                        target=condition["target"](channel),
                    )
                )
        return "\n".join(lines) or False

    # ------------------------------------------------------------ actions
    def action_open_late_orders(self):
        """The Order aging report of this channel."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_sync_ecom.retail_sync_order_aging_action"
        )
        name = self.env._("Late orders of %s", self.name)
        action.update(
            name=name,
            display_name=name,
            domain=[("channel_id", "=", self.id)],
        )
        return action

    def action_open_aging(self, code):
        """The records late on condition ``code`` of this channel."""
        self.ensure_one()
        condition = self._aging_condition(code)
        if condition["model"] == "sale.order":
            action = self.action_open_late_orders()
            action["domain"] = action["domain"] + [("condition", "=", code)]
            return action
        ids = self._aging_late_ids(code, self.id)
        return {
            "type": "ir.actions.act_window",
            "name": condition["label"],
            "res_model": condition["model"],
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", ids)],
        }
