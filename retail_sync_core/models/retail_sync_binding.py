# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..engine.errors import MissingBindingError

BINDING_KINDS = [
    ("product", "Product"),
    ("store", "Store"),
    ("register", "Register"),
    ("location", "Stock location"),
    ("warehouse", "Warehouse"),
    ("customer", "Customer"),
    ("order", "Order"),
    ("payment_method", "Payment method"),
    ("other", "Other"),
]


class RetailSyncBinding(models.Model):
    """One external reference of a channel mapped to one Odoo record."""

    _name = "retail.sync.binding"
    _description = "Retail Sync Binding"
    _order = "channel_id, kind, external_ref"
    _rec_name = "external_ref"

    channel_id = fields.Many2one(
        "retail.sync.channel", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="channel_id.company_id", store=True, index=True
    )
    kind = fields.Selection(BINDING_KINDS, required=True)
    external_ref = fields.Char(
        "External reference",
        required=True,
        help="The channel's id: a SKU, a store code",
    )
    record_ref = fields.Reference(
        selection="_selection_target_model", string="Odoo record", required=True
    )
    res_model = fields.Char(compute="_compute_res", store=True, index=True)
    res_id = fields.Many2oneReference(
        model_field="res_model", compute="_compute_res", store=True
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "channel_kind_ref_unique",
            "unique(channel_id, kind, external_ref)",
            "This external reference is already mapped on this channel.",
        ),
    ]

    @api.model
    def _selection_target_model(self):
        return [(m.model, m.name) for m in self.env["ir.model"].sudo().search([])]

    @api.depends("record_ref")
    def _compute_res(self):
        for binding in self:
            ref = binding.record_ref
            binding.res_model = ref._name if ref else False
            binding.res_id = ref.id if ref else False

    @api.model
    def _resolve(self, channel, kind, external_ref, fallback=None):
        """The Odoo record bound to ``external_ref``; raise MissingBindingError if none.

        ``fallback`` (a callable returning a record or an empty recordset) lets an
        addon match without an explicit binding, such as a product by its SKU.
        """
        binding = self.sudo().search(
            [
                ("channel_id", "=", channel.id),
                ("kind", "=", kind),
                ("external_ref", "=", str(external_ref)),
            ],
            limit=1,
        )
        if binding and binding.record_ref:
            return binding.record_ref
        record = fallback() if fallback else None
        if record:
            return record
        raise MissingBindingError(channel.code, kind, external_ref)

    @api.model
    def _resolve_product(self, channel, line, cache=None):
        """The product a channel's line means: its product binding, else the one
        product of the channel's company whose internal reference (sku) or barcode
        matches. ``cache`` (a dict) spares the lookups within one batch."""
        sku, barcode = line.get("sku"), line.get("barcode")
        reference = sku or barcode
        key = ("product", channel.id, reference)
        if cache is not None and key in cache:
            return cache[key]
        # product.product exists once a stock or sales addon is installed; the
        # channels that send product lines depend on one.
        Product = self.env["product.product"].sudo()

        def by_reference():
            field = "default_code" if sku else "barcode"
            found = Product.search(
                [
                    (field, "=", reference),
                    ("company_id", "in", [False, channel.company_id.id]),
                ],
                limit=2,
            )
            return found if len(found) == 1 else Product

        product = self._resolve(channel, "product", reference, fallback=by_reference)
        if cache is not None:
            cache[key] = product
        return product
