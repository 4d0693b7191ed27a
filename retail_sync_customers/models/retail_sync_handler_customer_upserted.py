# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo import api, models

from .retail_sync_customer_resolver import INBOUND_CONTEXT


class RetailSyncHandlerCustomerUpserted(models.AbstractModel):
    """customer.upserted: the channel's customer, matched (retail.sync.customer.
    resolver) and written by ownership (retail.sync.field.owner).

    Batched: the drain hands the customers of many keys to one call, which looks
    them all up in three queries, creates the new ones in one create and writes
    only what changed. The outcome is the one of applying the events one after the
    other:
    - the events of one customer id follow each other: once the first has found
      or created its customer, the next ones are that customer's;
    - events of different customer ids that share an email or a phone (the same
      new person signing up at the storefront and at a till) are applied one by
      one after the batch, each looking up what the ones before it created: the
      second matches the first, or waits for review, never a second customer;
    - an event the handler refuses (an ambiguous match: a WaitingError; data it
      cannot read: the error) gets its exception as result, nothing of it
      written, and the later events of its customer id are not applied: the
      drain records it alone, the rest of the batch is applied."""

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
        """{event id: result or exception} for ``events`` of ``channel``."""
        Resolver = self.env["retail.sync.customer.resolver"]
        results, items = {}, []
        # Ordering keys with a refused event: nothing after it in its key applies.
        refused = set()
        for event in events:
            if event.ordering_key in refused:
                continue
            try:
                customer = Resolver._normalize(channel, event.payload["data"])
                values = Resolver._partner_values(channel, customer)
            except psycopg2.OperationalError:
                raise  # a conflict with another job: the drain retries the job
            except Exception as exc:  # recorded by the drain for this event alone
                results[event.id] = exc
                refused.add(event.ordering_key)
                continue
            items.append((event, customer, values))
        entangled = self._entangled(items)
        batch = [item for item in items if item[1].get("ref") not in entangled]
        results.update(self._apply_batch(channel, batch, refused))
        # One by one, in order, each seeing what the batch and the ones before it
        # created.
        for event, customer, _values in items:
            if customer.get("ref") not in entangled or event.ordering_key in refused:
                continue
            try:
                with self.env.cr.savepoint():
                    result = self._apply_batch(
                        channel,
                        [
                            (
                                event,
                                customer,
                                Resolver._partner_values(channel, customer),
                            )
                        ],
                        refused,
                    )[event.id]
                    if isinstance(result, Exception):
                        raise result
            except psycopg2.OperationalError:
                raise
            except Exception as exc:  # recorded by the drain for this event alone
                result = exc
                refused.add(event.ordering_key)
            results[event.id] = result
        return results

    @api.model
    def _entangled(self, items):
        """The customer ids of ``items`` that share an email or an E.164 phone with
        another customer id of the batch: matching them together would decide
        from a lookup that cannot see each other's new customer."""
        Resolver = self.env["retail.sync.customer.resolver"]
        first_ref, entangled_keys = {}, set()
        for _event, customer, _values in items:
            ref = customer.get("ref")
            keys = [f"email:{k}" for k in customer.get("email_keys", [])]
            keys += [f"phone:{n}" for n in Resolver._e164s(customer)]
            for key in keys:
                if first_ref.setdefault(key, ref) != ref:
                    entangled_keys.add(key)
        if not entangled_keys:
            return set()
        entangled = set()
        for _event, customer, _values in items:
            keys = {f"email:{k}" for k in customer.get("email_keys", [])}
            keys |= {f"phone:{n}" for n in Resolver._e164s(customer)}
            if keys & entangled_keys:
                entangled.add(customer.get("ref"))
        return entangled

    @api.model
    def _apply_batch(self, channel, items, refused):
        """Apply (event, customer, values) items none of which shares an email or
        phone with another customer id: one lookup, one create, grouped writes.
        Adds the ordering keys it refuses to ``refused``."""
        Resolver = self.env["retail.sync.customer.resolver"]
        Owner = self.env["retail.sync.field.owner"]
        results = {}
        decisions = Resolver._lookup_many(
            channel, [(event, customer) for event, customer, _v in items]
        )
        # What the earlier events of a customer id resolved to: a new customer of
        # this batch (a slot) or a partner.
        slots, by_ref = [], {}
        updates = []  # (event, customer, values, partner, how)
        for (event, customer, values), (how, found) in zip(
            items, decisions, strict=True
        ):
            if event.ordering_key in refused:
                continue
            ref = customer.get("ref")
            earlier = by_ref.get(ref) if ref else None
            if earlier is not None:
                kind, target = earlier
                if kind == "slot":
                    target["items"].append((event, customer, values))
                else:
                    updates.append((event, customer, values, target, "bound"))
                continue
            if how == "ambiguous":
                results[event.id] = Resolver._review_wait(event, customer, found)
                refused.add(event.ordering_key)
                continue
            if how == "new":
                slot = {"items": [(event, customer, values)]}
                slots.append(slot)
                if ref:
                    by_ref[ref] = ("slot", slot)
                continue
            updates.append((event, customer, values, found, how))
            if ref:
                by_ref[ref] = ("partner", found)
        applied_pairs, event_partner = [], []
        results.update(self._apply_updates(channel, updates, applied_pairs))
        for event, _c, _v, partner, _h in updates:
            event_partner.append((event, partner))
        # New customers: the values of every event of a slot, in order, then one
        # create for all.
        new_specs, slot_splits = [], []
        for slot in slots:
            merged, split_list = {}, []
            for event, _customer, values in slot["items"]:
                # The later events of a new customer see what the earlier ones
                # set (an owner-only email is no longer theirs to give).
                split = Owner._split(
                    channel,
                    "res.partner",
                    values,
                    event.occurred_at,
                    record=dict(merged),
                    event=event,
                )
                merged.update(split.applied)
                split_list.append(split)
            customers = [customer for _e, customer, _v in slot["items"]]
            merged.setdefault(
                "name",
                next((c.get("emails") or [c["ref"]])[0] or c["ref"] for c in customers),
            )
            new_specs.append((self._slot_customer(customers), merged))
            slot_splits.append(split_list)
        partners = Resolver._create_partners(channel, new_specs)
        for slot, partner, split_list in zip(slots, partners, slot_splits, strict=True):
            for index, ((event, _c, _v), split) in enumerate(
                zip(slot["items"], split_list, strict=True)
            ):
                applied_pairs.append((partner, split))
                event_partner.append((event, partner))
                results[event.id] = self._result(
                    partner, "created" if index == 0 else "bound", split
                )
        Owner._record_applied(channel, "res.partner", applied_pairs)
        self.env["retail.sync.event"]._link_many(event_partner)
        return results

    @api.model
    def _apply_updates(self, channel, updates, applied_pairs):
        """Write the (event, customer, values, partner, how) of customers that
        exist, in order, by ownership: only the values that change, the partners
        read at once; bind the channel ids matched by email or phone."""
        Resolver = self.env["retail.sync.customer.resolver"]
        Owner = self.env["retail.sync.field.owner"]
        if not updates:
            return {}
        partners = self.env["res.partner"].union(*(u[3] for u in updates))
        splits = Owner._split_many(
            channel,
            "res.partner",
            [
                (partner, values, event.occurred_at, event)
                for event, _c, values, partner, _how in updates
            ],
        )
        names = {name for split in splits for name in split.applied}
        partners.fetch([name for name in names if name in partners._fields])
        results, bind = {}, []
        for (event, customer, _v, partner, how), split in zip(
            updates, splits, strict=True
        ):
            partner = partner.with_prefetch(partners._prefetch_ids)
            values = self._changed(partner, split.applied)
            children = Resolver._child_addresses(customer, partner)
            if children:
                values["child_ids"] = children
            if values:
                partner.with_context(**INBOUND_CONTEXT).write(values)
            applied_pairs.append((partner, split))
            if how == "match" and customer.get("ref"):
                bind.append((customer, partner))
            results[event.id] = self._result(partner, how, split)
        Resolver._bind(channel, bind)
        return results

    @api.model
    def _changed(self, partner, values):
        """The ``values`` that differ from what ``partner`` holds: a write costs
        the same whatever it changes (recomputations, syncs to contacts)."""
        changed = {}
        for name, value in values.items():
            field = partner._fields.get(name)
            if field is None:
                changed[name] = value
                continue
            current = partner[name]
            if field.type == "many2one":
                current = current.id
            if (current or False) != (value or False):
                changed[name] = value
        return changed

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
