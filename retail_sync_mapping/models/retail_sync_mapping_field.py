# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import mapper


class RetailSyncMappingField(models.Model):
    """One canonical data field of a rule: where in the native message its value
    is (JMESPath) and the named transform applied to it."""

    _name = "retail.sync.mapping.field"
    _description = "Retail Sync Native Mapping Field"
    _order = "rule_id, sequence, id"

    rule_id = fields.Many2one(
        "retail.sync.mapping.rule", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    target = fields.Char(
        "Canonical field",
        required=True,
        help="Path in the event's data: order_ref, customer.email; lines[] names the "
        "native list to build from, lines[].sku is read from each of its items",
    )
    expression = fields.Char(
        help="JMESPath over the message (body, headers, topic, delivery_id, item); "
        "for a lines[].x field, over one native item",
    )
    transform = fields.Selection(mapper.TRANSFORMS, default="")
    argument = fields.Char(
        help="The transform's argument: the constant, the value map (JSON), the "
        "binding kind (product, or product:default_code)",
    )
    required = fields.Boolean(
        help="A message without this value is a mapping error (a dead letter naming "
        "the field); an optional field without value is left out"
    )

    @api.constrains("expression", "transform")
    def _check_expression(self):
        for field in self:
            problem = mapper.expression_problem(field.expression)
            if problem:
                raise ValidationError(
                    self.env._(
                        "Field %(target)s: %(problem)s",
                        target=field.target,
                        problem=problem,
                    )
                )
            if not field.expression and field.transform != "constant":
                raise ValidationError(
                    self.env._(
                        "Field %s needs an expression (or the constant transform).",
                        field.target,
                    )
                )

    def _spec(self):
        self.ensure_one()
        return {
            "target": self.target,
            "expression": self.expression or "",
            "transform": self.transform or "",
            "argument": self.argument or None,
            "required": self.required,
        }
