# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, models
from odoo.tools import SQL

from odoo.addons.retail_sync_core.engine.errors import WaitingError

from ..engine.normalize import email_key, normalize_email, normalize_phone, pick_match

# What the context of an inbound write carries: no Odoo-edit conflict, no chatter.
INBOUND_CONTEXT = {
    "retail_sync_inbound": True,
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
}
ADDRESS_FIELDS = ("street", "street2", "city", "zip")
X2MANY = ("one2many", "many2many")


class CustomerReviewWait(WaitingError):
    """The customer an event names matches several Odoo customers (or its email
    and its phone point to different ones): the event waits for an operator's
    decision under Retail Sync > Customers > To review."""

    def __init__(self, dependency, reason, customer, candidate_ids):
        super().__init__(dependency, reason)
        self.customer = customer
        self.candidate_ids = candidate_ids


class RetailSyncCustomerResolver(models.AbstractModel):
    """Which Odoo customer a channel's customer is: the one matching every handler
    uses (customer.upserted, web orders, standalone payments, store sales).

    In order: the channel's customer binding of its id; the decision of an
    operator on a review of this event; a partner of the channel's company (or
    shared) with the same normalized email or phone (``pick_match``); else a new
    customer. An ambiguous match never creates a duplicate: the event waits for
    review (or, for a store sale that must not hold stock, carries on without a
    customer and leaves a review)."""

    _name = "retail.sync.customer.resolver"
    _description = "Retail Sync Customer Matching"

    # ------------------------------------------------------------ normalizing
    @api.model
    def _normalize(self, channel, data):
        """The canonical customer of a customer.upserted ``data`` or of an order's
        ``customer`` object: ref, name, emails, email keys, phones (E.164 or raw),
        the unparsed ones, addresses, consent, loyalty id. Keys the channel did not
        send are absent (nothing is changed for them)."""
        region = channel._customer_region()
        customer = {"ref": data.get("customer_id") or data.get("id") or None}
        if data.get("name"):
            customer["name"] = data["name"].strip()
        raw_emails = data.get("emails")
        if raw_emails is None and data.get("email"):
            raw_emails = [data["email"]]
        if raw_emails is not None:
            emails = []
            for raw in raw_emails:
                normalized = normalize_email(raw)
                if normalized and normalized not in emails:
                    emails.append(normalized)
            customer["emails"] = emails
            customer["email_keys"] = sorted({email_key(e) for e in emails})
        raw_phones = data.get("phones")
        if raw_phones is None and data.get("phone"):
            raw_phones = [{"number": data["phone"]}]
        if raw_phones is not None:
            phones = []
            for item in raw_phones:
                e164, raw = normalize_phone(item.get("number"), region)
                if raw:
                    phones.append(
                        {"e164": e164, "raw": raw, "kind": item.get("kind") or "phone"}
                    )
            customer["phones"] = phones
        for key in ("addresses", "marketing_consent"):
            if key in data:
                customer[key] = data[key]
        if "loyalty_id" in data:
            customer["loyalty_id"] = data["loyalty_id"] or False
        return customer

    @api.model
    def _e164s(self, customer):
        return sorted({p["e164"] for p in customer.get("phones", []) if p["e164"]})

    # --------------------------------------------------------------- matching
    @api.model
    def _lookup_many(self, channel, items):
        """Decide for each (event, customer) of ``channel``: ("bound", partner),
        ("reviewed", partner), ("match", partner), ("new", None) or ("ambiguous",
        candidate partners). Three queries for the whole list."""
        Partner = self.env["res.partner"].sudo().with_context(active_test=True)
        refs = sorted({c["ref"] for _e, c in items if c.get("ref")})
        bound = {}
        if refs:
            for binding in (
                self.env["retail.sync.binding"]
                .sudo()
                .search_fetch(
                    [
                        ("channel_id", "=", channel.id),
                        ("kind", "=", "customer"),
                        ("external_ref", "in", refs),
                    ],
                    ["external_ref", "res_model", "res_id"],
                )
            ):
                if binding.res_model == "res.partner":
                    bound[binding.external_ref] = binding.res_id
        event_ids = [e.id for e, _c in items if e]
        reviewed = {}
        if event_ids:
            for review in (
                self.env["retail.sync.customer.review"]
                .sudo()
                .search_fetch(
                    [
                        ("event_id", "in", event_ids),
                        ("state", "in", ("merged", "created")),
                    ],
                    ["event_id", "partner_id"],
                )
            ):
                reviewed[review.event_id.id] = review.partner_id.id
        company = [("company_id", "in", [channel.company_id.id, False])]
        keys = sorted({k for _e, c in items for k in c.get("email_keys", [])})
        by_email = {}
        if keys:
            for partner in Partner.search_fetch(
                [("email_normalized", "in", keys), ("type", "=", "contact"), *company],
                ["email_normalized"],
            ):
                by_email.setdefault(partner.email_normalized, set()).add(partner.id)
        numbers = sorted({n for _e, c in items for n in self._e164s(c)})
        by_phone = {}
        if numbers:
            for partner in Partner.search_fetch(
                [
                    "|",
                    ("retail_sync_phone_e164", "in", numbers),
                    ("retail_sync_mobile_e164", "in", numbers),
                    ("type", "=", "contact"),
                    *company,
                ],
                ["retail_sync_phone_e164", "retail_sync_mobile_e164"],
            ):
                for number in (
                    partner.retail_sync_phone_e164,
                    partner.retail_sync_mobile_e164,
                ):
                    if number:
                        by_phone.setdefault(number, set()).add(partner.id)
        existing = Partner.browse({*bound.values(), *reviewed.values()}).exists()
        decisions = []
        for event, customer in items:
            partner_id = bound.get(customer.get("ref"))
            if partner_id in existing.ids:
                decisions.append(("bound", Partner.browse(partner_id)))
                continue
            partner_id = reviewed.get(event.id) if event else None
            if partner_id in existing.ids:
                decisions.append(("reviewed", Partner.browse(partner_id)))
                continue
            emails = set().union(
                *(by_email.get(k, ()) for k in customer.get("email_keys", []))
            )
            phones = set().union(*(by_phone.get(n, ()) for n in self._e164s(customer)))
            outcome, found = pick_match(emails, phones)
            if outcome == "match":
                decisions.append(("match", Partner.browse(found)))
            elif outcome == "ambiguous":
                decisions.append(("ambiguous", Partner.browse(found)))
            else:
                decisions.append(("new", None))
        return decisions

    @api.model
    def _review_wait(self, event, customer, candidates):
        """The wait of an event whose customer matched ambiguously."""
        return CustomerReviewWait(
            self._review_token(event),
            self.env._(
                "waiting for customer review: %(count)s customers could be this one",
                count=len(candidates),
            ),
            customer,
            candidates.ids,
        )

    @api.model
    def _review_token(self, event):
        return f"customer_review:{event.channel_id.id}:{event.id}"

    # ---------------------------------------------------------------- writing
    @api.model
    def _partner_values(self, channel, customer, partner=None):
        """The res.partner values of a canonical customer (only what it carries);
        before ownership."""
        values = {}
        if customer.get("name"):
            values["name"] = customer["name"]
        if "emails" in customer:
            values["email"] = customer["emails"][0] if customer["emails"] else False
        if "phones" in customer:
            phones = customer["phones"]
            landline = next((p for p in phones if p["kind"] != "mobile"), None)
            mobile = next((p for p in phones if p["kind"] == "mobile"), None)
            values["phone"] = (
                (landline["e164"] or landline["raw"]) if landline else False
            )
            values["mobile"] = (mobile["e164"] or mobile["raw"]) if mobile else False
            unparsed = [p["raw"] for p in phones if not p["e164"]]
            # Flags are Retail Sync's own bookkeeping, outside the ownership table.
            values["retail_sync_phone_flagged"] = bool(unparsed)
            values["retail_sync_phone_raw"] = ", ".join(unparsed) or False
        addresses = customer.get("addresses") or []
        if addresses:
            main = next(
                (a for a in addresses if a.get("kind") == "default"), addresses[0]
            )
            values.update(self._address_values(main))
        consent = customer.get("marketing_consent") or {}
        if "email" in consent:
            values["retail_sync_marketing_email"] = consent["email"]
        if "sms" in consent:
            values["retail_sync_marketing_sms"] = consent["sms"]
        if "loyalty_id" in customer:
            values["retail_sync_loyalty_id"] = customer["loyalty_id"]
        return values

    @api.model
    def _address_values(self, address):
        values = {name: address.get(name) or False for name in ADDRESS_FIELDS}
        country = state = self.env["res.country.state"]
        if address.get("country_code"):
            country = self._country(address["country_code"])
            values["country_id"] = country.id or False
        if address.get("state_code") and country:
            state = self.env["res.country.state"].search(
                [("country_id", "=", country.id), ("code", "=", address["state_code"])],
                limit=1,
            )
            values["state_id"] = state.id or False
        return values

    @api.model
    def _country(self, code):
        return self.env["res.country"].search([("code", "=", code.upper())], limit=1)

    @api.model
    def _child_addresses(self, customer, partner=None):
        """Commands for the delivery and invoice addresses beyond the main one that
        the partner does not have yet (same type, street, zip and city)."""
        addresses = customer.get("addresses") or []
        if len(addresses) < 2:
            return []
        main = next((a for a in addresses if a.get("kind") == "default"), addresses[0])
        existing = set()
        if partner:
            existing = {
                (c.type, c.street or False, c.zip or False, c.city or False)
                for c in partner.child_ids
            }
        commands = []
        for address in addresses:
            if address is main:
                continue
            kind = address.get("kind") if address.get("kind") != "default" else None
            kind = kind or "delivery"
            values = self._address_values(address)
            signature = (kind, values["street"], values["zip"], values["city"])
            if signature in existing:
                continue
            existing.add(signature)
            commands.append(
                Command.create(
                    {"type": kind, "name": address.get("name") or False, **values}
                )
            )
        return commands

    @api.model
    def _create_partners(self, channel, specs):
        """Create the customers of (customer, values) specs in one create, with
        their claims and their channel bindings."""
        if not specs:
            return self.env["res.partner"]
        Partner = self.env["res.partner"].sudo().with_context(**INBOUND_CONTEXT)
        defaults = self._create_defaults(Partner) if len(specs) > 1 else {}
        partners = Partner.create(
            [
                {
                    **defaults,
                    "company_id": False,
                    "customer_rank": 1,
                    **values,
                    "child_ids": self._child_addresses(customer),
                }
                for customer, values in specs
            ]
        )
        self._claim_and_bind(
            channel,
            [(customer, p) for (customer, _v), p in zip(specs, partners, strict=True)],
        )
        return partners

    @api.model
    def _create_defaults(self, Partner):
        """The default values of a new customer's plain fields, computed once for
        a batch: ``create`` asks ``default_get`` for every record otherwise, and
        some defaults run a query each (the invoice report choice of account:
        one count per customer). Relational lists keep their per-record path."""
        names = [
            name
            for name, field in Partner._fields.items()
            if field.default and not field.compute and field.type not in X2MANY
        ]
        return Partner.default_get(names)

    @api.model
    def _claim_and_bind(self, channel, pairs):
        """Claim the emails and phones of new customers and bind their channel ids
        (a binding that exists is left as is)."""
        company = channel.company_id.id
        claims = []
        for customer, partner in pairs:
            claims.extend(
                (company, f"email:{key}", partner.id)
                for key in customer.get("email_keys", [])
            )
            claims.extend(
                (company, f"phone:{number}", partner.id)
                for number in self._e164s(customer)
            )
        self.env["retail.sync.customer.claim"].sudo()._claim(claims)
        self._bind(channel, pairs)

    @api.model
    def _bind(self, channel, pairs):
        """Bind the channel's customer ids of (customer, partner) pairs; a binding
        that exists is left as is. In SQL: validating a binding's reference through
        the ORM reads every model's name, which a batch of hundreds cannot afford;
        the unique index makes a concurrent binding of the same id one row (or a
        serialization failure the drain retries)."""
        refs = {c["ref"]: p for c, p in pairs if c.get("ref")}
        if not refs:
            return
        Binding = self.env["retail.sync.binding"]
        Binding.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_binding
                       (channel_id, company_id, kind, external_ref, record_ref,
                        res_model, res_id, create_uid, write_uid, create_date,
                        write_date)
                SELECT %(channel)s, %(company)s, 'customer', r.ref,
                       'res.partner,' || r.partner_id, 'res.partner', r.partner_id,
                       %(uid)s, %(uid)s, now() at time zone 'UTC',
                       now() at time zone 'UTC'
                  FROM unnest(%(refs)s::varchar[], %(partners)s::int[])
                       AS r(ref, partner_id)
                ON CONFLICT (channel_id, kind, external_ref) DO NOTHING
                """,
                channel=channel.id,
                company=channel.company_id.id,
                uid=self.env.uid,
                refs=list(refs),
                partners=[partner.id for partner in refs.values()],
            )
        )
        Binding.invalidate_model()

    # ---------------------------------------------- one customer of an order
    @api.model
    def _customer_of(self, event, data, wait=True):
        """The Odoo customer of an order's (or payment's, or sale's) ``customer``
        object, created when new. Ambiguous: raises CustomerReviewWait when
        ``wait``; otherwise leaves a review (not waiting) and returns an empty
        recordset. The order's customer is applied by ownership like an upsert,
        but only to a customer it creates: an order does not edit a customer."""
        channel = event.channel_id
        customer = self._normalize(channel, data)
        outcome, found = self._lookup_many(channel, [(event, customer)])[0]
        if outcome == "ambiguous":
            if wait:
                raise self._review_wait(event, customer, found)
            self.env["retail.sync.customer.review"]._open_for(
                event, customer, found, waits=False
            )
            return self.env["res.partner"]
        if outcome != "new":
            if outcome == "match":
                self._bind(channel, [(customer, found)])
            return found
        if not customer.get("name"):
            customer["name"] = (customer.get("emails") or [None])[0] or customer.get(
                "ref"
            )
        if not customer.get("name"):
            return self.env["res.partner"]
        Owner = self.env["retail.sync.field.owner"]
        split = Owner._split(
            channel,
            "res.partner",
            self._partner_values(channel, customer),
            event.occurred_at,
            event=event,
        )
        partner = self._create_partners(channel, [(customer, split.applied)])
        Owner._record_applied(channel, "res.partner", [(partner, split)])
        return partner
