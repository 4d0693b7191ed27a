# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class RetailSyncCatalogField(models.Model):
    """A field of the catalog documents a channel may take (name, barcode,
    category...). Shipped as data; the product id, SKU, template, price and
    currency are always sent."""

    _name = "retail.sync.catalog.field"
    _description = "Retail Sync: catalog document field"
    _order = "sequence, code"

    code = fields.Char(required=True, help="Key of the field in the document's data")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A catalog field code is unique."),
    ]
