# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine.normalize import email_key
from .retail_sync_customer_resolver import INBOUND_CONTEXT

# Personal fields blanked on an anonymized customer (and its contacts).
PERSONAL_FIELDS = (
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "city",
    "zip",
    "website",
    "comment",
    "function",
    "retail_sync_phone_raw",
    "retail_sync_loyalty_id",
)
FINISHED = ("done", "skipped", "dead")


class RetailSyncHandlerCustomerErased(models.AbstractModel):
    """customer.erased: forget the customer.

    The Odoo customer is deleted when nothing refers to it. When posted accounting
    entries name it, Odoo refuses to delete it and the law keeps invoices for years
    (GDPR art. 17(3)(b)): it is anonymized (name replaced, contact fields and
    addresses blanked, bindings removed) and archived; the entries keep pointing
    at the anonymized partner. The payloads of the channel's events about the
    customer (its customer events, orders, payments and sales naming its id or
    email) are emptied, with their audit copies and the values of its ownership
    conflicts; an audit row records what was done."""

    _name = "retail.sync.handler.customer.erased"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: customer erasure"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        channel = event.channel_id
        ref = data["customer_id"]
        binding = (
            self.env["retail.sync.binding"]
            .sudo()
            .search(
                [
                    ("channel_id", "=", channel.id),
                    ("kind", "=", "customer"),
                    ("external_ref", "=", ref),
                ],
                limit=1,
            )
        )
        partner = binding._target() if binding else None
        partner = partner.exists() if partner else self.env["res.partner"]
        keys = {email_key(e) for e in data.get("emails") or []}
        keys |= {email_key(e) for e in partner.mapped("email") if e}
        keys.discard(None)
        purged, kept = self._purge_payloads(event, ref, sorted(keys))
        outcome, reason = "not_found", False
        partner_id = partner.id
        if partner:
            outcome, reason = self._erase_partner(partner)
        self.env["retail.sync.customer.erasure"].sudo().create(
            {
                "event_id": event.id,
                "channel_id": channel.id,
                "customer_ref": ref,
                "partner_id": partner_id if outcome != "deleted" else False,
                "partner_ref": partner_id,
                "outcome": outcome,
                "outcome_reason": reason,
                "requested_at": event.occurred_at,
                "events_purged": purged,
                "events_kept": kept,
            }
        )
        return {"outcome": outcome, "payloads_purged": purged, "payloads_kept": kept}

    # --------------------------------------------------------------- partner
    @api.model
    def _erase_partner(self, partner):
        """Delete the partner if Odoo allows it, else anonymize and archive it.
        Returns (outcome, why)."""
        partner = partner.sudo().with_context(**INBOUND_CONTEXT, active_test=False)
        if self._has_posted_entries(partner):
            self._anonymize(partner)
            return "anonymized", self.env._(
                "posted accounting entries name this customer: kept, anonymized"
            )
        family = partner | partner.child_ids
        try:
            with self.env.cr.savepoint():
                self._unbind(family)
                family.unlink()
                return "deleted", False
        except (psycopg2.IntegrityError, UserError, ValidationError):
            self._anonymize(partner)
            return "anonymized", self.env._(
                "other records (orders, deliveries...) refer to this customer: kept, "
                "anonymized"
            )

    @api.model
    def _has_posted_entries(self, partner):
        return bool(
            self.env["account.move.line"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "in", (partner | partner.child_ids).ids),
                    ("parent_state", "=", "posted"),
                ],
                limit=1,
            )
        )

    @api.model
    def _anonymize(self, partner):
        family = partner | partner.child_ids
        self._unbind(family)
        blank = {name: False for name in PERSONAL_FIELDS}
        now = self.env.cr.now()
        for member in family:
            member.write(
                {
                    **blank,
                    "name": self.env._("Erased customer %s", member.id),
                    "retail_sync_marketing_email": False,
                    "retail_sync_marketing_sms": False,
                    "retail_sync_phone_flagged": False,
                    "image_1920": False,
                    "retail_sync_erased_at": now,
                    "active": False,
                }
            )
        self.env["retail.sync.customer.claim"].sudo().search(
            [("partner_id", "in", family.ids)]
        ).unlink()
        reviews = (
            self.env["retail.sync.customer.review"]
            .sudo()
            .search([("partner_id", "in", family.ids)])
        )
        reviews.write({"name": False, "email": False, "phone": False})
        conflicts = (
            self.env["retail.sync.conflict"]
            .sudo()
            .search([("model_name", "=", "res.partner"), ("res_id", "in", family.ids)])
        )
        conflicts.write({"value": False})

    @api.model
    def _unbind(self, partners):
        self.env["retail.sync.binding"].sudo().search(
            [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        ).unlink()

    # -------------------------------------------------------------- payloads
    @api.model
    def _purge_payloads(self, event, ref, email_keys):
        """Empty the payloads of the channel's finished events about the customer
        (this request's included); dead ones become skipped. Returns (purged, kept
        because still to apply)."""
        Event = self.env["retail.sync.event"]
        Event.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id, state FROM retail_sync_event
                 WHERE channel_id = %(channel)s AND payload IS NOT NULL
                   AND (ordering_key = %(key)s
                        OR payload->'data'->'customer'->>'id' = %(ref)s
                        OR payload->'data'->>'customer_id' = %(ref)s
                        OR lower(payload->'data'->'customer'->>'email')
                           = ANY(%(emails)s)
                        OR id = %(event)s)
                """,
                channel=event.channel_id.id,
                key=f"customer:{ref}",
                ref=ref,
                emails=list(email_keys),
                event=event.id,
            )
        )
        rows = self.env.cr.fetchall()
        finished = [row[0] for row in rows if row[1] in FINISHED or row[0] == event.id]
        kept = len(rows) - len(finished)
        others = Event.browse([i for i in finished if i != event.id])
        dead = others.filtered(lambda e: e.state == "dead")
        if dead:
            # Skipping releases the events behind them in their keys.
            dead.sudo()._skip(self.env._("customer erased"))
        self.env.cr.execute(
            SQL(
                """
                UPDATE retail_sync_event
                   SET payload = NULL, original_payload = NULL, result = NULL,
                       error_traceback = NULL,
                       payload_purged_at = now() at time zone 'UTC'
                 WHERE id = ANY(%s)
                """,
                finished,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE retail_sync_event_audit
                   SET payload_before = NULL, payload_after = NULL
                 WHERE event_id = ANY(%s)
                """,
                finished,
            )
        )
        Event.invalidate_model(
            [
                "payload",
                "original_payload",
                "result",
                "error_traceback",
                "payload_purged_at",
            ]
        )
        return len(finished), kept
