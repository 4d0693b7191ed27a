# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from psycopg2 import OperationalError

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.retail_sync_core.engine import circuit

from ..engine import catalog

DOMAIN = "catalog"
TOPIC = catalog.BATCH
PASS_TOPIC = catalog.FULL_PASS
# Documents per push; a longer backlog is sent by the next job.
PUSH_BATCH = 1000
# Pending rows read to choose a push's records: the due records are found among
# the oldest due rows (a record may have several), never by grouping a whole
# backlog (100,000 records a channel after a subscription is saved).
DUE_ROWS = 4 * (PUSH_BATCH + 1)
# Checksums per full pass request.
PASS_BATCH = 5000
# queue_job priority of catalog jobs: after the drains and the stock and order
# pushes (3 to 5) that share the server's job slots.
CATALOG_PRIORITY = 15
# Advisory lock namespace: one catalog job per subscription at a time (not the
# channel's push lock, so a catalog push never holds back a stock push).
CATALOG_LOCK = 0x52530010
# Default coalescing window when neither the subscription nor the domain sets one.
DEFAULT_WINDOW = 30


def _retry_seconds():
    return random.uniform(0.5, 2.0)


def _utc(moment):
    return moment.replace(tzinfo=UTC).isoformat() if moment else None


class RetailSyncCatalogSubscription(models.Model):
    """What a channel receives of Odoo's catalog: which products, at which
    pricelist and currency, with which fields; and how its catalog is kept in
    sync (coalescing window, full pass interval)."""

    _name = "retail.sync.catalog.subscription"
    _inherit = ["retail.sync.manager.mixin"]
    _description = "Retail Sync: catalog subscription"
    _order = "channel_id"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    name = fields.Char(related="channel_id.name")
    company_id = fields.Many2one(related="channel_id.company_id", store=True)
    active = fields.Boolean(
        default=True,
        help="Archiving the subscription sends the channel the removal of every "
        "record it holds.",
    )
    product_domain = fields.Char(
        "Products",
        default="[('sale_ok', '=', True)]",
        required=True,
        help="Which variants the channel gets (a domain on product.product); "
        "archived variants are never sent.",
    )
    category_ids = fields.Many2many(
        "product.category",
        help="Only variants in these categories or their children. Empty: every "
        "category.",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="The price sent is this pricelist's price for one unit. Empty: the "
        "sales price, in the company's currency.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    field_ids = fields.Many2many(
        "retail.sync.catalog.field",
        string="Fields sent",
        default=lambda self: self.env["retail.sync.catalog.field"].search([]),
        help="Fields of each document besides the product id, SKU, template, price "
        "and currency, which are always sent.",
    )
    window_seconds = fields.Integer(
        "Coalescing window (s)",
        help="Changes of a record within this many seconds of its first change "
        "are sent as one document with the final value. 0: the catalog domain's "
        "window.",
    )
    full_pass_hours = fields.Integer(
        "Full pass every (h)",
        default=24,
        help="A full pass sends the checksum of every record; the channel answers "
        "what differs, which is resent. 0: only on the Resync catalog button.",
    )
    next_full_pass_at = fields.Datetime(
        "Next full pass",
        default=lambda self: fields.Datetime.now() + timedelta(hours=24),
    )
    held_count = fields.Integer("Records held", compute="_compute_counts")
    pending_count = fields.Integer("Changes pending", compute="_compute_counts")
    run_ids = fields.One2many("retail.sync.catalog.run", "subscription_id")
    last_run_id = fields.Many2one(
        "retail.sync.catalog.run", compute="_compute_last_run", string="Last pass"
    )
    last_run_state = fields.Selection(
        lambda self: self.env["retail.sync.catalog.run"]._fields["state"].selection,
        compute="_compute_last_run",
        string="Last pass state",
    )
    last_run_progress = fields.Float("Last pass progress", compute="_compute_last_run")
    last_run_checked = fields.Integer(compute="_compute_last_run")
    last_run_total = fields.Integer(compute="_compute_last_run")

    _sql_constraints = [
        (
            "channel_unique",
            "unique(channel_id)",
            "A channel has one catalog subscription.",
        ),
    ]

    @api.depends("pricelist_id", "company_id")
    def _compute_currency_id(self):
        for subscription in self:
            subscription.currency_id = (
                subscription.pricelist_id.currency_id
                or subscription.company_id.currency_id
            )

    def _compute_counts(self):
        ids = [i for i in self.ids if isinstance(i, int)]
        held, pending = {}, {}
        if ids:
            self.env.cr.execute(
                SQL(
                    "SELECT subscription_id, count(*) FROM retail_sync_catalog_state"
                    " WHERE subscription_id = ANY(%s) AND NOT removed"
                    " GROUP BY subscription_id",
                    ids,
                )
            )
            held = dict(self.env.cr.fetchall())
            self.env.cr.execute(
                SQL(
                    "SELECT subscription_id, count(DISTINCT product_id)"
                    "  FROM retail_sync_catalog_pending"
                    " WHERE subscription_id = ANY(%s) GROUP BY subscription_id",
                    ids,
                )
            )
            pending = dict(self.env.cr.fetchall())
        for subscription in self:
            subscription.held_count = held.get(subscription.id, 0)
            subscription.pending_count = pending.get(subscription.id, 0)

    def _compute_last_run(self):
        Run = self.env["retail.sync.catalog.run"]
        for subscription in self:
            run = Run.search([("subscription_id", "=", subscription.id)], limit=1)
            subscription.last_run_id = run
            subscription.last_run_state = run.state
            subscription.last_run_progress = run.progress
            subscription.last_run_checked = run.checked
            subscription.last_run_total = run.total

    @api.constrains("product_domain")
    def _check_product_domain(self):
        for subscription in self:
            try:
                self.env["product.product"].search_count(
                    subscription._product_domain(), limit=1
                )
            except Exception as exc:
                raise ValidationError(
                    self.env._("The products domain is not valid: %s", exc)
                ) from exc

    # ------------------------------------------------------------ configuration
    @api.model_create_multi
    def create(self, vals_list):
        subscriptions = super().create(vals_list)
        self.env.registry.clear_cache()
        for subscription in subscriptions.filtered("active"):
            subscription._queue_everything("subscription")
        return subscriptions

    SCOPE_FIELDS = frozenset(
        {"product_domain", "category_ids", "pricelist_id", "field_ids", "active"}
    )

    def write(self, vals):
        result = super().write(vals)
        if self.SCOPE_FIELDS & set(vals) or "channel_id" in vals:
            self.env.registry.clear_cache()
            # What the channel should hold changed: every member and every record
            # it holds is compared again (the unchanged ones are not sent).
            for subscription in self:
                subscription._queue_everything("subscription")
        return result

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @tools.ormcache()
    def _live_subscription_ids(self):
        """Ids of the subscriptions whose changes are recorded: active, of an
        active channel (archived ones get their removals first, then nothing)."""
        return self.sudo().search([("channel_id.active", "=", True)]).ids

    @api.model
    def _live_subscriptions(self):
        return self.sudo().browse(self._live_subscription_ids())

    def _window_seconds(self):
        self.ensure_one()
        if self.window_seconds > 0:
            return self.window_seconds
        window = self.env["retail.sync.domain"]._setting(
            DOMAIN, "coalesce_window_seconds"
        )
        return DEFAULT_WINDOW if window is None else window

    def _product_domain(self):
        """The domain of the variants this channel gets (archived ones excluded)."""
        self.ensure_one()
        domain = list(safe_eval(self.product_domain or "[]"))
        domain += [
            ("active", "=", True),
            ("company_id", "in", (False, self.company_id.id)),
        ]
        if self.category_ids:
            domain.append(("categ_id", "child_of", self.category_ids.ids))
        return domain

    def _members(self, product_ids):
        """The subset of ``product_ids`` this channel should hold (an inactive
        subscription holds nothing)."""
        self.ensure_one()
        if not self.active or not product_ids:
            return set()
        return set(
            self.env["product.product"]
            .sudo()
            .with_context(active_test=False)
            ._search([*self._product_domain(), ("id", "in", list(product_ids))])
        )

    def _held_ids(self, product_ids=None):
        """Ids of the records the channel holds (last sent an upsert)."""
        self.ensure_one()
        query = SQL(
            "SELECT product_id FROM retail_sync_catalog_state"
            " WHERE subscription_id = %s AND NOT removed",
            self.id,
        )
        if product_ids is not None:
            query = SQL("%s AND product_id = ANY(%s)", query, list(product_ids))
        self.env.cr.execute(query)
        return {row[0] for row in self.env.cr.fetchall()}

    def _concerned(self, product_ids):
        """Of ``product_ids``, those the channel should hold or holds."""
        return self._members(product_ids) | self._held_ids(product_ids)

    def _queue(self, product_ids, reason, due_now=False):
        self.ensure_one()
        if not product_ids:
            return 0
        return self.env["retail.sync.catalog.pending"]._insert(
            self,
            SQL("SELECT unnest(%s::int[])", sorted(product_ids)),
            reason,
            due_now=due_now,
        )

    def _queue_everything(self, reason):
        """Every member and every record held, compared at the next push."""
        self.ensure_one()
        self.env.flush_all()
        Product = self.env["product.product"].sudo().with_context(active_test=False)
        members = (
            Product._search(self._product_domain()) if self.active else Product.browse()
        )
        if self.active:
            ids = SQL(
                "(%s) UNION (SELECT product_id FROM retail_sync_catalog_state"
                " WHERE subscription_id = %s AND NOT removed)",
                members.subselect(),
                self.id,
            )
        else:
            ids = SQL(
                "SELECT product_id FROM retail_sync_catalog_state"
                " WHERE subscription_id = %s AND NOT removed",
                self.id,
            )
        return self.env["retail.sync.catalog.pending"]._insert(
            self, ids, reason, due_now=reason == "subscription"
        )

    # ------------------------------------------------------------ documents
    def _documents(self, product_ids):
        """{product id: (data or None, removal reason)} of the records' current
        documents: None data when the channel should not hold the record."""
        self.ensure_one()
        Product = self.env["product.product"].sudo().with_context(active_test=False)
        products = Product.browse(sorted(product_ids)).exists()
        existing = set(products.ids)
        members = self._members(existing)
        result = {pid: (None, "deleted") for pid in product_ids if pid not in existing}
        for product in products.filtered(lambda p: p.id not in members):
            reason = "archived" if not product.active else "unsubscribed"
            result[product.id] = (None, reason)
        subscribed = products.filtered(lambda p: p.id in members)
        if subscribed:
            result.update(
                {pid: (data, None) for pid, data in self._data(subscribed).items()}
            )
        return result

    def _data(self, products):
        """{product id: document data} of subscribed products, in the
        subscription's pricelist and currency, with its fields.

        Thousands of products at a time (a push, a full pass batch): what a
        variant shares with its template (name, sales price, category, unit,
        currency, description) is read on the templates, and the attribute
        values once per batch, instead of through the variant's delegated and
        computed fields one variant at a time (`_batch_facts`); the values are
        those Odoo's fields give."""
        self.ensure_one()
        currency = self.currency_id
        facts = self._batch_facts(products)
        if self.pricelist_id:
            prices = self._pricelist_prices(products, facts)
        else:
            prices = {
                p.id: facts["currency"][p.id]._convert(
                    facts["lst_price"][p.id],
                    currency,
                    self.company_id,
                    fields.Date.today(),
                )
                for p in products
            }
        codes = set(self.field_ids.mapped("code"))
        digits = currency.decimal_places

        def money(value, in_currency=currency):
            return f"{in_currency.round(value):.{in_currency.decimal_places}f}"

        documents = {}
        for product in products:
            code, barcode, _weight = facts["rows"][product.id]
            data = {
                "sku": code or barcode or f"odoo-{product.id}",
                "product_id": product.id,
                "template_id": facts["template"][product.id].id,
                "price": f"{currency.round(prices[product.id]):.{digits}f}",
                "currency": currency.name,
            }
            data.update(self._optional_data(product, codes, money, facts))
            documents[product.id] = data
        return documents

    def _batch_facts(self, products):
        """What the documents of ``products`` need, read once for the batch:
        {"rows": {product id: (default code, barcode, weight)}, "template":
        {product id: template}, "attributes": {product id: [{attribute,
        value}]}, "lst_price": {product id: sales price with the attribute
        extras, as product.lst_price}, "currency": {product id: currency of that
        price}, "names": {product id: name with its attribute values, as
        display_name without the code}, "categories": {template id: category
        path}, "uoms": {template id: unit name}}.

        The variants' own columns and their attribute values are read in three
        queries and each template once, not through each variant's delegated
        and computed fields (35 field reads a variant); the name follows
        `_get_combination_name` (values of attributes that make variants, from
        lines with more than one value), the values in their order."""
        cr = self.env.cr
        ids = products.ids
        Value = self.env["product.template.attribute.value"].sudo()
        self.env["product.product"].flush_model(
            [
                "product_tmpl_id",
                "default_code",
                "barcode",
                "weight",
                "product_template_attribute_value_ids",
            ]
        )
        Value.flush_model()
        self.env["product.attribute"].flush_model(["name", "create_variant"])
        self.env["product.attribute.value"].flush_model(["name"])
        cr.execute(
            SQL(
                "SELECT id, product_tmpl_id, default_code, barcode, weight"
                "  FROM product_product WHERE id = ANY(%s::int[])",
                ids,
            )
        )
        rows = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(
            SQL(
                "SELECT product_product_id, product_template_attribute_value_id"
                "  FROM product_variant_combination"
                " WHERE product_product_id = ANY(%s::int[])",
                ids,
            )
        )
        combinations = defaultdict(list)
        for product_id, value_id in cr.fetchall():
            combinations[product_id].append(value_id)
        value_ids = sorted({v for own in combinations.values() for v in own})
        # Per attribute value: (makes variants, active, line, value, attribute,
        # extra price), and its rank in the values' order (the variant's
        # product_template_attribute_value_ids are in that order).
        lang = self.env.lang or "en_US"
        cr.execute(
            SQL(
                """
                SELECT v.id, a.create_variant != 'no_variant', v.ptav_active,
                       v.attribute_line_id,
                       COALESCE(pav.name->>%(lang)s, pav.name->>'en_US'),
                       COALESCE(a.name->>%(lang)s, a.name->>'en_US'),
                       COALESCE(v.price_extra, 0)
                  FROM product_template_attribute_value v
                  JOIN product_attribute_value pav
                    ON pav.id = v.product_attribute_value_id
                  JOIN product_attribute a ON a.id = v.attribute_id
                 WHERE v.id = ANY(%(ids)s::int[])
                """,
                lang=lang,
                ids=value_ids,
            )
        )
        info = {row[0]: (*row[1:6], float(row[6])) for row in cr.fetchall()}
        rank = {
            value_id: position
            for position, value_id in enumerate(
                Value.search([("id", "in", value_ids)]).ids
            )
        }
        lines = sorted({value[2] for value in info.values()})
        cr.execute(
            SQL(
                "SELECT attribute_line_id, count(*),"
                "       count(*) FILTER (WHERE ptav_active)"
                "  FROM product_template_attribute_value"
                " WHERE attribute_line_id = ANY(%s::int[])"
                " GROUP BY attribute_line_id",
                lines,
            )
        )
        single = {}
        for line, count, active in cr.fetchall():
            single[(line, False)] = count == 1
            single[(line, True)] = active == 1
        templates = self.env["product.template"].browse(
            sorted({row[0] for row in rows.values()})
        )
        digits = products._fields["price_extra"].get_digits(self.env)[1]
        facts = {
            "rows": {},
            "template": {},
            "attributes": {},
            "lst_price": {},
            "currency": {},
            "names": {},
            "categories": {t.id: t.categ_id.complete_name or None for t in templates},
            "uoms": {t.id: t.uom_id.name for t in templates},
        }
        template_facts = {
            t.id: (t, t.name, t.list_price, t.currency_id) for t in templates
        }
        for product_id in ids:
            template_id, code, barcode, weight = rows[product_id]
            template, name, list_price, currency = template_facts[template_id]
            own = [
                info[v] for v in sorted(combinations[product_id], key=rank.__getitem__)
            ]
            facts["rows"][product_id] = (code, barcode, float(weight or 0.0))
            facts["template"][product_id] = template
            facts["attributes"][product_id] = [
                {"attribute": v[4], "value": v[3]} for v in own
            ]
            extra = tools.float_round(sum(v[5] for v in own), precision_digits=digits)
            facts["lst_price"][product_id] = tools.float_round(
                list_price + extra, precision_digits=digits
            )
            facts["currency"][product_id] = currency
            named = [v for v in own if v[0]]
            only_active = all(v[1] for v in named)
            named = [v[3] for v in named if not single[(v[2], only_active)]]
            facts["names"][product_id] = (
                f"{name} ({', '.join(named)})" if named else name
            )
        return facts

    def _pricelist_prices(self, products, facts):
        """{product id: price of one unit} in the subscription's pricelist and
        currency, as the pricelist's `_compute_price_rule` computes it (its
        applicable rules, in their order, the first that applies to the product;
        none: the sales price), for thousands of products at once.

        `_compute_price_rule` tries every rule of the batch on every product
        (5,000 products with 500 variant rules: 2.5 million `_is_applicable_for`
        calls, minutes); here each product is tried only on the rules that can
        apply to it: its variant's, its template's, its categories' (parents
        included) and the global ones, still in the pricelist's order. The
        products no rule applies to get their sales price (`_price_compute`'s)
        from ``facts``."""
        self.ensure_one()
        pricelist, currency = self.pricelist_id, self.currency_id
        date = fields.Datetime.now()
        # The rules of the variants' templates (their variants' own rules
        # included, which only their own variant is tried on): the same rules
        # as for the variants, without computing each variant's delegated
        # category.
        templates = self.env["product.template"].browse(
            sorted({template.id for template in facts["template"].values()})
        )
        rules = pricelist._get_applicable_rules(templates, date)
        by_variant, by_template, by_category = (
            defaultdict(list),
            defaultdict(list),
            defaultdict(list),
        )
        everywhere = []
        for position, rule in enumerate(rules):
            entry = (position, rule)
            if rule.applied_on == "0_product_variant":
                by_variant[rule.product_id.id].append(entry)
            elif rule.applied_on == "1_product":
                by_template[rule.product_tmpl_id.id].append(entry)
            elif rule.applied_on == "2_product_category":
                by_category[rule.categ_id.id].append(entry)
            else:
                everywhere.append(entry)
        prices, ruled = {}, {}
        for product in products:
            template = facts["template"][product.id]
            candidates = (
                by_variant.get(product.id, [])
                + by_template.get(template.id, [])
                + everywhere
            )
            if by_category:
                for categ_id in (template.categ_id.parent_path or "").split("/"):
                    if categ_id:
                        candidates += by_category.get(int(categ_id), [])
            if candidates:
                candidates.sort(key=lambda entry: entry[0])
                rule = next(
                    (r for _p, r in candidates if r._is_applicable_for(product, 1.0)),
                    None,
                )
                if rule is not None:
                    ruled[product.id] = rule
                    continue
            price = facts["lst_price"][product.id]
            source = facts["currency"][product.id]
            if source != currency:
                price = source._convert(
                    price, currency, self.env.company, date, round=False
                )
            prices[product.id] = price
        # The products a rule applies to, together: what the rules read of them
        # is read for these only.
        for product in products.browse(list(ruled)):
            prices[product.id] = ruled[product.id]._compute_price(
                product,
                1.0,
                facts["template"][product.id].uom_id,
                date,
                currency=currency,
            )
        return prices

    def _optional_data(self, product, codes, money, facts):
        """The fields of ``codes`` for one product (``facts``: `_batch_facts`);
        addons add theirs."""
        data = {}
        template = facts["template"][product.id]
        if "name" in codes:
            data["name"] = facts["names"][product.id]
        _code, barcode, weight = facts["rows"][product.id]
        if "barcode" in codes:
            data["barcode"] = barcode or None
        if "list_price" in codes:
            data["list_price"] = money(
                facts["lst_price"][product.id], facts["currency"][product.id]
            )
        if "category" in codes:
            data["category"] = facts["categories"][template.id]
        if "uom" in codes:
            data["uom"] = facts["uoms"][template.id]
        if "attributes" in codes:
            data["attributes"] = facts["attributes"][product.id]
        if "description_sale" in codes:
            data["description_sale"] = template.description_sale or None
        if "weight" in codes:
            data["weight"] = weight
        return data

    # ------------------------------------------------------------ jobs
    def _job_channel(self):
        return None  # the job function's channel (data): root.retail_sync.catalog

    def _enqueue_push(self, delay=0):
        """The subscription's push job, ``delay`` seconds from now (the end of a
        coalescing window); a short tail when one already waits, which may hold
        a snapshot without this transaction's rows."""
        self.ensure_one()
        Job = self.env["retail.sync.job"]
        identity = f"retail_sync.catalog:{self.id}"
        waiting = Job._waiting_suffixes(identity)
        eta = timedelta(seconds=delay) if delay > 0 else None
        description = f"Retail Sync: push catalog to {self.channel_id.code}"
        if "" not in waiting:
            return Job._enqueue(
                self,
                "_push_catalog",
                identity,
                self._job_channel(),
                CATALOG_PRIORITY,
                description,
                eta=eta,
            )
        if ":tail" not in waiting:
            return Job._enqueue(
                self,
                "_push_catalog",
                identity + ":tail",
                self._job_channel(),
                CATALOG_PRIORITY,
                description,
                eta=timedelta(seconds=max(delay, 1)),
            )
        return None

    def _enqueue_push_at(self, when, suffix):
        self.ensure_one()
        return self.env["retail.sync.job"]._enqueue(
            self,
            "_push_catalog",
            f"retail_sync.catalog:{self.id}{suffix}",
            self._job_channel(),
            CATALOG_PRIORITY,
            f"Retail Sync: push catalog to {self.channel_id.code} (later)",
            eta=when,
        )

    def _claim(self):
        """Make this job the subscription's only catalog job, on a snapshot that
        sees every earlier one (the discipline of the channel pushes,
        `retail.sync.channel._push_claim`, on the subscription's row: a catalog
        job never holds the channel's row, so stock pushes never wait on it)."""
        self.ensure_one()
        cr = self.env.cr
        if not self.env["retail.sync.lock"]._try(CATALOG_LOCK, self.id):
            raise RetryableJobError(
                "another catalog job of this channel is running", _retry_seconds(), True
            )
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "UPDATE retail_sync_catalog_subscription"
                        " SET write_date = write_date WHERE id = %s",
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except OperationalError as exc:
            if exc.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            raise RetryableJobError(
                "a catalog job of this channel committed after this job's snapshot",
                _retry_seconds(),
                True,
            ) from exc

    def _ready(self):
        """None when pushes may go now, else why not (and what was arranged)."""
        channel = self.channel_id.sudo()
        if not channel.active or not channel._pushes_ready():
            return "pushes are not set up or disabled"
        state = channel._circuit()
        if not circuit.allows(state, time.time()):
            self._enqueue_push_at(
                datetime.fromtimestamp(state.retry_at, UTC).replace(tzinfo=None),
                ":probe",
            )
            return "circuit open"
        return None

    def _push_catalog(self):
        """Push the documents of the records whose coalescing window ended (a queue
        job).

        One catalog job per subscription at a time, on a snapshot that sees the
        previous one (`_claim`), so what the channel holds is known and every push
        carries higher versions than the one before. Each document is computed
        fresh here: the changes of a record within its window become one document
        with the final value, and a record whose document the channel already
        holds is not sent again. A failed push keeps its pending rows and is
        retried with fresh documents for its records plus any due meanwhile."""
        self.ensure_one()
        subscription = self.sudo()
        cr = self.env.cr
        subscription._claim()
        not_ready = subscription._ready()
        if not_ready:
            return not_ready
        channel = subscription.channel_id
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
            subscription._enqueue_push_at(delivery.next_attempt_at, ":retry")
            return "waiting for the next attempt"
        # The records of the oldest due rows, then those records' rows: two
        # index lookups, whatever the backlog and the table's statistics (a
        # join planned on stale statistics after a bulk insert scanned the
        # table once per record).
        cr.execute(
            SQL(
                """
                SELECT product_id, min(id), sum(count(*)) OVER () FROM (
                    SELECT product_id, id FROM retail_sync_catalog_pending
                     WHERE subscription_id = %(sub)s
                       AND due_at <= now() at time zone 'UTC'
                     ORDER BY id
                     LIMIT %(rows)s) AS due_rows
                 GROUP BY product_id
                 ORDER BY min(id)
                 LIMIT %(batch)s
                """,
                sub=subscription.id,
                rows=DUE_ROWS,
                batch=PUSH_BATCH + 1,
            )
        )
        picked = cr.fetchall()
        first = {row[0]: row[1] for row in picked}
        due = []
        if picked:
            cr.execute(
                SQL(
                    """
                    SELECT product_id, max(id), min(create_date),
                           bool_or(reason = 'repair')
                      FROM retail_sync_catalog_pending
                     WHERE subscription_id = %s AND product_id = ANY(%s::int[])
                     GROUP BY product_id
                    """,
                    subscription.id,
                    list(first),
                )
            )
            due = sorted(cr.fetchall(), key=lambda row: first[row[0]])
        # More due records than this push takes (or maybe: the due rows read
        # were a full window of rows).
        more = len(due) > PUSH_BATCH or bool(picked and picked[0][2] >= DUE_ROWS)
        due = due[:PUSH_BATCH]
        changed_at = {row[0]: row[2] for row in due}
        forced = {row[0] for row in due if row[3]}
        retried = set()
        if delivery.payload:
            retried = {d["product_id"] for d in delivery.payload.get("documents", [])}
        product_ids = set(changed_at) | retried
        outcome = "nothing due"
        if product_ids:
            documents = subscription._documents_to_send(
                product_ids, forced | retried, changed_at
            )
            outcome = "nothing new"
            if documents:
                payload = {
                    "type": TOPIC,
                    "schema_version": 1,
                    "channel": channel.code,
                    "generated_at": datetime.now(UTC).isoformat(),
                    "documents": [document for document, _row in documents],
                }
                values = {"payload": payload, "item_count": len(documents)}
                if delivery:
                    delivery.write(values)
                else:
                    delivery = Delivery.create(
                        dict(values, channel_id=channel.id, topic=TOPIC)
                    )
                outcome = delivery._send()
                if outcome == "delivered":
                    self.env["retail.sync.catalog.state"]._record(
                        subscription, [row for _document, row in documents], delivery
                    )
        if outcome in ("delivered", "dead", "nothing new") and due:
            cr.execute(
                SQL(
                    "DELETE FROM retail_sync_catalog_pending"
                    " WHERE subscription_id = %s AND product_id = ANY(%s)"
                    " AND id <= %s",
                    subscription.id,
                    [row[0] for row in due],
                    max(row[1] for row in due),
                )
            )
        if outcome == "retry":
            subscription._enqueue_push_at(delivery.next_attempt_at, ":retry")
        elif more and outcome != "gone":
            subscription._enqueue_push()
        elif outcome != "gone":
            subscription._enqueue_next_due()
        return outcome

    def _enqueue_next_due(self):
        """A push when the next pending record is due (rows this job saw)."""
        self.env.cr.execute(
            SQL(
                "SELECT min(due_at) FROM retail_sync_catalog_pending"
                " WHERE subscription_id = %s",
                self.id,
            )
        )
        next_due = self.env.cr.fetchone()[0]
        if next_due:
            self._enqueue_push_at(next_due, ":next")

    def _documents_to_send(self, product_ids, forced, changed_at):
        """[(document, state row)] of the records whose fresh document differs
        from what the channel holds (or that must be sent anyway: ``forced``),
        each with a new version, in version order."""
        current = self._documents(product_ids)
        held = self.env["retail.sync.catalog.state"]._held(self, product_ids)
        chosen = []
        for pid in sorted(product_ids):
            data, reason = current[pid]
            previous = held.get(pid)
            kind = catalog.document_kind(data, previous)
            if kind is None and pid in forced:
                kind = catalog.UPSERTED if data is not None else catalog.REMOVED
            if kind:
                chosen.append((pid, kind, data, reason))
        if not chosen:
            return []
        self.env.cr.execute(
            SQL(
                "SELECT nextval('retail_sync_catalog_version_seq')"
                " FROM generate_series(1, %s)",
                len(chosen),
            )
        )
        versions = sorted(row[0] for row in self.env.cr.fetchall())
        now = fields.Datetime.now()
        result = []
        for (pid, kind, data, reason), version in zip(chosen, versions, strict=True):
            document = {
                "type": kind,
                "schema_version": 1,
                "product_id": pid,
                "version": version,
                "changed_at": _utc(changed_at.get(pid) or now),
            }
            if kind == catalog.REMOVED:
                sku = (held.get(pid) or {}).get("sku") or self._held_sku(pid)
                document["data"] = {"sku": sku, "product_id": pid, "reason": reason}
                row = (pid, sku, version, "removed", None, None, True)
            else:
                whole = catalog.checksum(data)
                document["checksum"] = whole
                document["data"] = (
                    data
                    if kind == catalog.UPSERTED
                    else dict(
                        catalog.price_part(data),
                        sku=data["sku"],
                        product_id=pid,
                    )
                )
                row = (
                    pid,
                    data["sku"],
                    version,
                    whole,
                    catalog.base_checksum(data),
                    data["price"],
                    False,
                )
            result.append((document, row))
        return result

    def _held_sku(self, product_id):
        self.env.cr.execute(
            SQL(
                "SELECT sku FROM retail_sync_catalog_state"
                " WHERE subscription_id = %s AND product_id = %s",
                self.id,
                product_id,
            )
        )
        row = self.env.cr.fetchone()
        return (row and row[0]) or f"odoo-{product_id}"

    def init(self):
        self.env.cr.execute(
            "CREATE SEQUENCE IF NOT EXISTS retail_sync_catalog_version_seq"
        )

    # ------------------------------------------------------------ full pass
    def action_resync(self):
        """Resync catalog: a full pass now (progress on the pass)."""
        self._check_manager()
        runs = self.env["retail.sync.catalog.run"]
        for subscription in self.sudo():
            runs |= subscription._start_full_pass("manual")
        if len(runs) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "retail.sync.catalog.run",
                "res_id": runs.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return True

    def _start_full_pass(self, trigger):
        """A new full pass run (a running one of this subscription is replaced)."""
        self.ensure_one()
        Run = self.env["retail.sync.catalog.run"].sudo()
        Run.search(
            [("subscription_id", "=", self.id), ("state", "=", "running")]
        ).write({"state": "cancelled", "finished_at": fields.Datetime.now()})
        total = (
            self.env["product.product"]
            .sudo()
            .with_context(active_test=False)
            .search_count(self._product_domain())
            if self.active
            else 0
        )
        run = Run.create(
            {"subscription_id": self.id, "trigger": trigger, "total": total}
        )
        values = {}
        if self.full_pass_hours > 0:
            values["next_full_pass_at"] = fields.Datetime.now() + timedelta(
                hours=self.full_pass_hours
            )
        if values:
            self.write(values)
        self._enqueue_pass_step(run)
        return run

    def _enqueue_pass_step(self, run, when=None, suffix=""):
        return self.env["retail.sync.job"]._enqueue(
            self,
            "_full_pass_step",
            f"retail_sync.catalog_pass:{self.id}:{run.id}:{run.batches}{suffix}",
            self._job_channel(),
            CATALOG_PRIORITY,
            f"Retail Sync: catalog full pass of {self.channel_id.code}",
            eta=when,
            args=(run.id,),
        )

    def _full_pass_step(self, run_id):
        """Send the next batch of checksums of a full pass (a queue job); queue
        for a push, due at once, the records the channel answers it lacks or
        holds differently, and, on the final batch, the records it holds that
        the pass did not list; then the next batch."""
        self.ensure_one()
        subscription = self.sudo()
        run = self.env["retail.sync.catalog.run"].sudo().browse(run_id).exists()
        if not run or run.state != "running":
            return "run not running"
        subscription._claim()
        not_ready = subscription._ready()
        if not_ready:
            if not_ready != "circuit open":
                run.write(
                    {
                        "state": "failed",
                        "error_message": not_ready,
                        "finished_at": fields.Datetime.now(),
                    }
                )
            else:
                channel = subscription.channel_id
                subscription._enqueue_pass_step(
                    run,
                    datetime.fromtimestamp(channel.circuit_retry_at, UTC).replace(
                        tzinfo=None
                    ),
                    ":probe",
                )
            return not_ready
        Product = self.env["product.product"].sudo().with_context(active_test=False)
        ids = list(
            Product._search(
                [*subscription._product_domain(), ("id", ">", run.last_product_id)],
                order="id",
                limit=PASS_BATCH + 1,
            )
            if subscription.active
            else []
        )
        final = len(ids) <= PASS_BATCH
        ids = ids[:PASS_BATCH]
        data = subscription._data(Product.browse(ids)) if ids else {}
        records = [
            {"product_id": pid, "checksum": catalog.checksum(data[pid])} for pid in ids
        ]
        payload = {
            "type": PASS_TOPIC,
            "schema_version": 1,
            "channel": subscription.channel_id.code,
            "run": run.id,
            "batch": run.batches + 1,
            "final": final,
            "total": run.total,
            "generated_at": datetime.now(UTC).isoformat(),
            "records": records,
        }
        delivery = (
            self.env["retail.sync.delivery"]
            .sudo()
            .create(
                {
                    "channel_id": subscription.channel_id.id,
                    "topic": PASS_TOPIC,
                    "payload": payload,
                    "item_count": len(records),
                }
            )
        )
        outcome, answer = delivery._exchange()
        if outcome == "retry":
            subscription._enqueue_pass_step(run, delivery.next_attempt_at, ":retry")
            return outcome
        if outcome != "delivered":
            run.write(
                {
                    "state": "failed",
                    "error_message": delivery.error_message,
                    "finished_at": fields.Datetime.now(),
                }
            )
            return outcome
        asked = set(ids)
        resend = {i for i in answer.get("resend") or [] if i in asked}
        # Odoo's own drift (what the channel was last sent is not the fresh
        # document): a record whose document changed without a recorded
        # change (a direct SQL update) is sent too.
        held = self.env["retail.sync.catalog.state"]._held(subscription, ids)
        fresh = {record["product_id"]: record["checksum"] for record in records}
        resend |= {
            pid
            for pid in ids
            if pid not in held
            or held[pid]["removed"]
            or held[pid]["checksum"] != fresh[pid]
        }
        removed = set()
        if final:
            unknown = {
                i for i in answer.get("unknown") or [] if isinstance(i, int) and i > 0
            }
            removed = unknown - subscription._members(unknown)
        subscription._queue(resend | removed, "repair", due_now=True)
        values = {
            "checked": run.checked + len(ids),
            "batches": run.batches + 1,
            "resend_count": run.resend_count + len(resend),
            "removed_count": run.removed_count + len(removed),
            "last_product_id": ids[-1] if ids else run.last_product_id,
        }
        if final:
            values.update(state="done", finished_at=fields.Datetime.now())
        run.write(values)
        if not final:
            subscription._enqueue_pass_step(run)
        return outcome

    @api.model
    def _cron_catalog(self):
        """Start the full passes that are due; push the subscriptions whose
        pending changes are overdue (a job lost to a crash)."""
        now = fields.Datetime.now()
        for subscription in self._live_subscriptions().filtered(
            lambda s: s.active
            and s.full_pass_hours > 0
            and s.next_full_pass_at
            and s.next_full_pass_at <= now
        ):
            subscription._start_full_pass("scheduled")
        self.env.cr.execute(
            """
            SELECT DISTINCT subscription_id FROM retail_sync_catalog_pending
             WHERE due_at < now() at time zone 'UTC' - interval '5 minutes'
            """
        )
        for (subscription_id,) in self.env.cr.fetchall():
            self.browse(subscription_id)._enqueue_push()

    @api.model
    def _link_job_functions(self):
        """Put the catalog jobs on the catalog domain's queue channel
        (root.retail_sync.catalog), at install; an admin may move them later."""
        domain = self.env.ref("retail_sync_catalog.retail_sync_domain_catalog")
        for xmlid in (
            "retail_sync_catalog.queue_job_function_push_catalog",
            "retail_sync_catalog.queue_job_function_catalog_full_pass",
        ):
            function = self.env.ref(xmlid)
            if domain.job_channel_id and not function.channel_id.parent_id:
                function.channel_id = domain.job_channel_id
