# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools

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
# Kinds a channel creates by the thousand (one per web order or customer): looked up
# without the cache, so that creating them never clears every worker's cache.
UNCACHED_KINDS = ("order", "customer")


class RetailSyncBinding(models.Model):
    """One external reference of a channel mapped to one Odoo record."""

    _name = "retail.sync.binding"
    _inherit = ["retail.sync.cached.mixin"]
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

    def _needs_cache_clear(self):
        return any(binding.kind not in UNCACHED_KINDS for binding in self)

    @api.model
    def _bound_target(self, channel_id, kind, external_ref):
        """(model, id) bound to a channel's reference, or None."""
        if kind in UNCACHED_KINDS:
            return self._find_target(channel_id, kind, external_ref)
        return self._cached_target(channel_id, kind, external_ref)

    @api.model
    @tools.ormcache("channel_id", "kind", "external_ref")
    def _cached_target(self, channel_id, kind, external_ref):
        # Every store and product line of a batch asks; bindings seldom change.
        return self._find_target(channel_id, kind, external_ref)

    @api.model
    def _find_target(self, channel_id, kind, external_ref):
        binding = self.sudo().search(
            [
                ("channel_id", "=", channel_id),
                ("kind", "=", kind),
                ("external_ref", "=", external_ref),
            ],
            limit=1,
        )
        return (binding.res_model, binding.res_id) if binding.res_model else None

    def _target(self):
        """The bound record, from the stored model and id: reading ``record_ref``
        validates it against every model's name, too slow for the hot path."""
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            return None
        return self.env[self.res_model].browse(self.res_id)

    @api.model
    def _resolve(self, channel, kind, external_ref, fallback=None):
        """The Odoo record bound to ``external_ref``; raise MissingBindingError if none.

        ``fallback`` (a callable returning a record or an empty recordset) lets an
        addon match without an explicit binding, such as a product by its SKU
        (retail_sync_stock resolves products and stores).
        """
        bound = self._bound_target(channel.id, kind, str(external_ref))
        if bound and bound[0] in self.env:
            target = self.env[bound[0]].browse(bound[1]).exists()
            if target:
                return target
        record = fallback() if fallback else None
        if record:
            return record
        raise MissingBindingError(channel.code, kind, external_ref)
