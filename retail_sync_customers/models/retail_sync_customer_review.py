# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class RetailSyncCustomerReview(models.Model):
    """A customer a channel sent that matches several Odoo customers: an operator
    decides whether it is one of them (Merge into) or someone new (Create new).
    The event waits meanwhile (a store sale does not: it applied without a
    customer); the decision binds the channel's customer id and releases it."""

    _name = "retail.sync.customer.review"
    _description = "Retail Sync Customer Review"
    _inherit = ["mail.thread"]
    _order = "state_order, id desc"

    event_id = fields.Many2one(
        "retail.sync.event", required=True, ondelete="cascade", index=True
    )
    channel_id = fields.Many2one(related="event_id.channel_id", store=True)
    company_id = fields.Many2one(related="event_id.company_id", store=True)
    event_type = fields.Char(related="event_id.event_type")
    event_state = fields.Selection(related="event_id.state", string="Event state")
    customer_ref = fields.Char("Channel's customer id")
    name = fields.Char()
    email = fields.Char()
    phone = fields.Char()
    candidate_ids = fields.Many2many("res.partner", string="Candidates")
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        tracking=True,
        help="The existing customer this one is (Merge into), or the one created",
    )
    waits = fields.Boolean(
        "Event waits",
        help="The event waits for the decision; otherwise it applied without a "
        "customer (a store sale never holds stock) and the decision binds the "
        "channel's customer id for the next ones.",
    )
    token = fields.Char(readonly=True)
    state = fields.Selection(
        [
            ("pending", "To review"),
            ("merged", "Merged into an existing customer"),
            ("created", "Created as a new customer"),
        ],
        default="pending",
        required=True,
        tracking=True,
        index=True,
    )
    state_order = fields.Integer(compute="_compute_state_order", store=True)
    reason = fields.Char()
    resolved_by_id = fields.Many2one("res.users", "Decided by", readonly=True)
    resolved_at = fields.Datetime("Decided at", readonly=True)

    @api.depends("state")
    def _compute_state_order(self):
        for review in self:
            review.state_order = 0 if review.state == "pending" else 1

    @api.model
    def _open_for(self, event, customer, candidates, waits=True, token=None):
        """The pending review of ``event`` (one per event, however often it is
        tried again)."""
        review = self.sudo().search(
            [("event_id", "=", event.id), ("state", "=", "pending")], limit=1
        )
        values = {
            "candidate_ids": [(6, 0, candidates.ids)],
            "reason": self.env._(
                "%(count)s customers match by email or phone", count=len(candidates)
            ),
        }
        if review:
            review.write(values)
            return review
        phones = customer.get("phones") or []
        return self.sudo().create(
            {
                "event_id": event.id,
                "customer_ref": customer.get("ref"),
                "name": customer.get("name"),
                "email": ", ".join(customer.get("emails") or []) or False,
                "phone": ", ".join(p["e164"] or p["raw"] for p in phones) or False,
                "waits": waits,
                "token": token,
                **values,
            }
        )

    # ---------------------------------------------------------------- actions
    def action_merge(self):
        """This customer is the chosen existing one."""
        for review in self:
            if not review.partner_id:
                raise UserError(
                    self.env._(
                        "Choose the customer to merge into (one of the candidates)."
                    )
                )
            review._decide(review.partner_id, "merged")
        return True

    def action_create_new(self):
        """This customer is someone new: create them."""
        for review in self:
            review._decide(review._new_partner(), "created")
        return True

    def _new_partner(self):
        self.ensure_one()
        event = self.event_id
        data = (event.payload and event.payload.get("data")) or {}
        Resolver = self.env["retail.sync.customer.resolver"]
        customer = Resolver._normalize(event.channel_id, data.get("customer") or data)
        values = Resolver._partner_values(event.channel_id, customer)
        values.setdefault("name", self.name or self.email or self.customer_ref)
        return Resolver._create_partners(event.channel_id, [(customer, values)])

    def _decide(self, partner, state):
        self.ensure_one()
        if self.state != "pending":
            raise UserError(self.env._("This customer was already decided."))
        event = self.event_id.sudo()
        Resolver = self.env["retail.sync.customer.resolver"]
        Resolver._bind(event.channel_id, [({"ref": self.customer_ref}, partner)])
        self.write(
            {
                "partner_id": partner.id,
                "state": state,
                "resolved_by_id": self.env.uid,
                "resolved_at": fields.Datetime.now(),
            }
        )
        if self.waits and self.token:
            self.env["retail.sync.drain"].sudo()._release_waiting([self.token])
            # Waited past its domain's limit meanwhile: the decision replays it.
            if event.state == "dead" and event.waiting_for == self.token:
                event._requeue()
