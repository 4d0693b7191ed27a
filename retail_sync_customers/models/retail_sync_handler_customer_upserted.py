# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from .retail_sync_customer_resolver import INBOUND_CONTEXT


class RetailSyncHandlerCustomerUpserted(models.AbstractModel):
    """customer.upserted: the channel's customer, matched (retail.sync.customer.
    resolver) and written by ownership (retail.sync.field.owner).

    Batched: the drain hands the customers of many keys to one call, which looks
    them all up in three queries and creates the new ones in one create. Two
    customers of one batch with the same email or phone are one customer, as if
    they had arrived one after the other. An ambiguous match raises, so the drain
    applies the batch one by one and only that event waits for review."""

    _name = "retail.sync.handler.customer.upserted"
    _inherit = "retail.sync.handler"
    _description = "Retail Sync Handler: customer created or changed"

    _apply_in_batches = True

    @api.model
    def _apply(self, events):
        results = {}
        for channel in events.channel_id:
            results.update(
                self._apply_channel(
                    channel, events.filtered(lambda e, c=channel: e.channel_id == c)
                )
            )
        return results

    @api.model
    def _apply_channel(self, channel, events):
        Resolver = self.env["retail.sync.customer.resolver"]
        Owner = self.env["retail.sync.field.owner"]
        customers = [Resolver._normalize(channel, e.payload["data"]) for e in events]
        decisions = Resolver._lookup_many(
            channel, list(zip(events, customers, strict=True))
        )
        # New customers of this batch, by what later ones may match them by.
        slots, slot_by_key = [], {}
        updates = []  # (event, customer, partner, how)
        results = {}
        for event, customer, (how, found) in zip(
            events, customers, decisions, strict=True
        ):
            if how == "ambiguous":
                raise Resolver._review_wait(event, customer, found)
            if how != "new":
                updates.append((event, customer, found, how))
                continue
            keys = self._slot_keys(customer)
            slot = next((slot_by_key[k] for k in keys if k in slot_by_key), None)
            if slot is None:
                slot = {"events": [], "customers": [], "values": {}}
                slots.append(slot)
            for key in keys:
                slot_by_key.setdefault(key, slot)
            slot["events"].append(event)
            slot["customers"].append(customer)
        # Existing customers: ownership decides what each event may change.
        splits = Owner._split_many(
            channel,
            "res.partner",
            [
                (
                    partner,
                    Resolver._partner_values(channel, customer, partner),
                    event.occurred_at,
                    event,
                )
                for event, customer, partner, _how in updates
            ],
        )
        applied_pairs = []
        for (event, customer, partner, how), split in zip(updates, splits, strict=True):
            writable = partner.with_context(**INBOUND_CONTEXT)
            values = dict(split.applied)
            children = Resolver._child_addresses(customer, partner)
            if children:
                values["child_ids"] = children
            if values:
                writable.write(values)
            applied_pairs.append((partner, split))
            if how == "match" and customer.get("ref"):
                Resolver._bind(channel, [(customer, partner)])
            results[event.id] = self._result(partner, how, split)
        # New customers: the values of every event of a slot, in order, then one
        # create for all.
        new_specs, slot_splits = [], []
        for slot in slots:
            merged, split_list = {}, []
            for event, customer in zip(slot["events"], slot["customers"], strict=True):
                split = Owner._split(
                    channel,
                    "res.partner",
                    Resolver._partner_values(channel, customer),
                    event.occurred_at,
                    event=event,
                )
                merged.update(split.applied)
                split_list.append(split)
            merged.setdefault(
                "name",
                next(
                    (c.get("emails") or [c["ref"]])[0] or c["ref"]
                    for c in slot["customers"]
                ),
            )
            new_specs.append((self._slot_customer(slot["customers"]), merged))
            slot_splits.append(split_list)
        partners = Resolver._create_partners(channel, new_specs)
        # Every channel id of a slot points to its one customer.
        Resolver._bind(
            channel,
            [
                (customer, partner)
                for slot, partner in zip(slots, partners, strict=True)
                for customer in slot["customers"]
            ],
        )
        for slot, partner, split_list in zip(slots, partners, slot_splits, strict=True):
            for index, (event, split) in enumerate(
                zip(slot["events"], split_list, strict=True)
            ):
                applied_pairs.append((partner, split))
                results[event.id] = self._result(
                    partner, "created" if index == 0 else "created_in_batch", split
                )
        Owner._record_applied(channel, "res.partner", applied_pairs)
        event_partner = {}
        for event, _c, partner, _h in updates:
            event_partner[event] = partner
        for slot, partner in zip(slots, partners, strict=True):
            for event in slot["events"]:
                event_partner[event] = partner
        events._link_many(list(event_partner.items()))
        return results

    @api.model
    def _slot_keys(self, customer):
        keys = [f"ref:{customer['ref']}"] if customer.get("ref") else []
        keys += [f"email:{k}" for k in customer.get("email_keys", [])]
        keys += [
            f"phone:{n}"
            for n in self.env["retail.sync.customer.resolver"]._e164s(customer)
        ]
        return keys

    @api.model
    def _slot_customer(self, customers):
        """One customer standing for those of a slot (for claims and children)."""
        first = dict(customers[-1])
        first["email_keys"] = sorted(
            {k for c in customers for k in c.get("email_keys", [])}
        )
        first["phones"] = [p for c in customers for p in c.get("phones", [])]
        return first

    @api.model
    def _result(self, partner, how, split):
        result = {"customer": partner.id, "matched": how}
        if split.ignored:
            result["ignored"] = split.ignored
        if partner.retail_sync_phone_flagged:
            result["phone_flagged"] = True
        return result
