# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import Command, api, models

from odoo.addons.retail_sync_core.engine.errors import PermanentError

# Passes of the tax-exclusive price search (see _unit_price): two reach the cent
# for percentage taxes; what rounding leaves goes to an adjustment line.
PRICE_PASSES = 3


class RetailSyncHandlerRefundIssued(models.AbstractModel):
    """refund.issued: a posted credit note whose total is exactly the refunded
    amount, a posted refund payment in the captured payment's journal, reconciled
    together, and for restocked lines of a web order a validated return of the
    delivered goods.

    Once per refund reference (the unique refund row). Waits while its payment is
    not captured. Refused, with both amounts and nothing posted, when it exceeds
    what remains of the payment.

    The credit note: one line per refunded product, with the taxes of its order
    line (or the product's, for a store receipt), priced so that its tax-included
    total is the line's refunded amount; the cents that tax rounding leaves, and
    what the amount has beyond the lines (shipping, goodwill), go to lines without
    product or tax. It is the channel's refund document: it is not linked to the
    sale order lines, and returns do not update the order's quantities, so Odoo
    never proposes a second credit note for the same goods."""

    _name = "retail.sync.handler.refund.issued"
    _inherit = "retail.sync.handler.payment"
    _description = "Retail Sync Handler: refund issued"

    @api.model
    def _apply_one(self, event):
        data = event.payload["data"]
        channel = event.channel_id
        Refund = self.env["retail.sync.refund"].sudo()
        existing = Refund.search(
            [("channel_id", "=", channel.id), ("refund_ref", "=", data["refund_ref"])],
            limit=1,
        )
        if existing:
            return self._refund_result(existing, already_refunded=True)
        payment = self._payment_row(event, data)
        if payment.state == "voided":
            raise PermanentError(
                self.env._(
                    "payment %s was voided, never captured: there is nothing to "
                    "refund",
                    payment.payment_ref,
                )
            )
        if payment.state != "captured":
            self._wait_for_payment(event, data["payment_ref"])
        self._check_refers_to_payment(event, data, payment)
        currency = self._currency(data["currency"])
        if currency != payment.currency_id:
            raise PermanentError(
                self.env._(
                    "refund %(refund)s is in %(currency)s but payment %(payment)s is "
                    "in %(payment_currency)s",
                    refund=data["refund_ref"],
                    currency=currency.name,
                    payment=payment.payment_ref,
                    payment_currency=payment.currency_id.name,
                )
            )
        amount = self._amount(data["amount"], currency)
        payment._lock_for_update()
        self._check_not_over_refund(data, payment, amount)
        lines = self._refund_lines(event, data, currency, amount)
        credit_note = self._credit_note(event, data, payment, lines, amount)
        refund_payment = self._refund_payment(event, data, payment, amount)
        self._reconcile(credit_note, refund_payment)
        returns, not_returned = self._return_goods(event, payment, lines)
        payment.write(
            {
                "refunded_amount": currency.round(payment.refunded_amount + amount),
                "event_id": event.id,
            }
        )
        refund = Refund.create(
            {
                "channel_id": channel.id,
                "company_id": channel.company_id.id,
                "refund_ref": data["refund_ref"],
                "payment_id": payment.id,
                "receipt_ref": data.get("receipt_ref") or payment.receipt_ref,
                "amount": amount,
                "currency_id": currency.id,
                "reason": data.get("reason"),
                "credit_note_id": credit_note.id,
                "refund_payment_id": refund_payment.id,
                "return_picking_ids": [Command.set(returns.ids)],
                "event_id": event.id,
            }
        )
        event._link_many(
            [
                (event, record)
                for record in (refund, payment, credit_note, refund_payment, *returns)
            ]
        )
        self._status_changed(payment)
        return self._refund_result(refund, not_returned=not_returned)

    @api.model
    def _refund_result(self, refund, **extra):
        return {
            "refund": refund.refund_ref,
            "payment": refund.payment_id.payment_ref,
            "amount": refund.amount,
            "credit_note": refund.credit_note_id.name,
            "refund_payment": refund.refund_payment_id.name,
            "returns": refund.return_picking_ids.mapped("name"),
            **{key: value for key, value in extra.items() if value},
        }

    # ------------------------------------------------------------------- checks
    @api.model
    def _check_refers_to_payment(self, event, data, payment):
        """The order or receipt the refund names must be the payment's."""
        if data.get("order_ref"):
            binding = self.env["retail.sync.handler.ecom.order"]._order_binding(
                event, data["order_ref"]
            )
            if not payment.sale_order_id or binding.res_id != payment.sale_order_id.id:
                raise PermanentError(
                    self.env._(
                        "refund %(refund)s names order %(order)s, but payment "
                        "%(payment)s does not pay it",
                        refund=data["refund_ref"],
                        order=data["order_ref"],
                        payment=payment.payment_ref,
                    )
                )
        if data.get("receipt_ref") and data["receipt_ref"] != payment.receipt_ref:
            raise PermanentError(
                self.env._(
                    "refund %(refund)s names receipt %(receipt)s, but payment "
                    "%(payment)s pays %(paid)s",
                    refund=data["refund_ref"],
                    receipt=data["receipt_ref"],
                    payment=payment.payment_ref,
                    paid=payment.receipt_ref or self.env._("no receipt"),
                )
            )

    @api.model
    def _check_not_over_refund(self, data, payment, amount):
        currency = payment.currency_id
        if (
            currency.compare_amounts(
                payment.refunded_amount + amount, payment.captured_amount
            )
            > 0
        ):
            raise PermanentError(
                self.env._(
                    "refund %(refund)s of %(amount)s %(currency)s exceeds what remains "
                    "of payment %(payment)s: %(captured)s captured, %(refunded)s "
                    "already refunded, %(remaining)s left; nothing was posted",
                    refund=data["refund_ref"],
                    amount=amount,
                    currency=currency.name,
                    payment=payment.payment_ref,
                    captured=payment.captured_amount,
                    refunded=payment.refunded_amount,
                    remaining=currency.round(
                        payment.captured_amount - payment.refunded_amount
                    ),
                )
            )

    @api.model
    def _refund_lines(self, event, data, currency, amount):
        """[(product, quantity, amount, restock)] of the event's lines, refused when
        they add up to more than the refund."""
        cache = {}
        Binding = self.env["retail.sync.binding"]
        lines = [
            (
                Binding._resolve_product(event.channel_id, line, cache),
                line["quantity"],
                currency.round(line["amount"]),
                bool(line.get("restock", False)),
            )
            for line in data.get("lines") or []
        ]
        total = currency.round(sum(line[2] for line in lines))
        if currency.compare_amounts(total, amount) > 0:
            raise PermanentError(
                self.env._(
                    "the lines of refund %(refund)s add up to %(total)s %(currency)s, "
                    "more than its amount %(amount)s",
                    refund=data["refund_ref"],
                    total=total,
                    currency=currency.name,
                    amount=amount,
                )
            )
        return lines

    # -------------------------------------------------------------- credit note
    @api.model
    def _credit_note(self, event, data, payment, lines, amount):
        """The posted credit note of the refund: its total is ``amount`` exactly."""
        currency = payment.currency_id
        company = event.channel_id.company_id
        order = payment.sale_order_id
        partner = payment.partner_id
        Move = self.env["account.move"].sudo().with_company(company)
        fiscal_position = order.fiscal_position_id or self.env[
            "account.fiscal.position"
        ].with_company(company)._get_fiscal_position(partner)
        line_commands = []
        for product, quantity, line_amount, _restock in lines:
            taxes = self._line_taxes(order, product, company, fiscal_position)
            line_commands.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": quantity,
                        "price_unit": self._unit_price(
                            taxes, line_amount, quantity, currency, product, partner
                        ),
                        "tax_ids": [Command.set(taxes.ids)],
                    }
                )
            )
        remainder = currency.round(amount - sum(line[2] for line in lines))
        if not currency.is_zero(remainder):
            line_commands.append(
                self._untaxed_line(
                    self.env._("Refunded without product (shipping, goodwill)"),
                    remainder,
                )
            )
        credit_note = Move.create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "currency_id": currency.id,
                "fiscal_position_id": fiscal_position.id,
                "invoice_date": self._today(event),
                "invoice_origin": order.name or payment.receipt_ref,
                "ref": self.env._(
                    "Refund %(refund)s of payment %(payment)s",
                    refund=data["refund_ref"],
                    payment=payment.payment_ref,
                ),
                "narration": data.get("reason"),
                "invoice_line_ids": line_commands,
            }
        )
        rounding = currency.round(amount - credit_note.amount_total)
        if not currency.is_zero(rounding):
            credit_note.write(
                {
                    "invoice_line_ids": [
                        self._untaxed_line(self.env._("Tax rounding"), rounding)
                    ]
                }
            )
        if currency.compare_amounts(credit_note.amount_total, amount):
            raise PermanentError(
                self.env._(
                    "the credit note of refund %(refund)s totals %(total)s instead of "
                    "%(amount)s; nothing was posted",
                    refund=data["refund_ref"],
                    total=credit_note.amount_total,
                    amount=amount,
                )
            )
        credit_note.action_post()
        return credit_note

    @api.model
    def _untaxed_line(self, label, amount):
        return Command.create(
            {"name": label, "quantity": 1, "price_unit": amount, "tax_ids": []}
        )

    @api.model
    def _line_taxes(self, order, product, company, fiscal_position):
        """The taxes the product was sold with: its order line's, else its own."""
        order_lines = order.order_line.filtered(lambda line: line.product_id == product)
        if order_lines:
            return order_lines[:1].tax_id
        return fiscal_position.map_tax(
            product.taxes_id._filter_taxes_by_company(company)
        )

    @api.model
    def _unit_price(self, taxes, gross, quantity, currency, product, partner):
        """The unit price whose tax-included total for ``quantity`` is ``gross``:
        scaled by what Odoo's own tax computation gives, until it lands on the
        amount (taxes included in the price need no change)."""
        price = gross / quantity
        if not taxes:
            return price
        for _pass in range(PRICE_PASSES):
            total = taxes.compute_all(
                price, currency, quantity, product, partner, is_refund=True
            )["total_included"]
            if not total or currency.is_zero(total - gross):
                break
            price *= gross / total
        return price

    # -------------------------------------------------------------- refund money
    @api.model
    def _refund_payment(self, event, data, payment, amount):
        """The posted outbound payment giving the money back, in the journal the
        captured payment was posted to."""
        journal = payment.journal_id
        method_line = journal.outbound_payment_method_line_ids[:1]
        if not method_line:
            raise PermanentError(
                self.env._(
                    "journal %s has no outgoing payment method to pay refunds: add "
                    "one on the journal, then replay",
                    journal.display_name,
                )
            )
        company = event.channel_id.company_id
        refund_payment = (
            self.env["account.payment"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": payment.partner_id.id,
                    "amount": amount,
                    "currency_id": payment.currency_id.id,
                    "journal_id": journal.id,
                    "payment_method_line_id": method_line.id,
                    "date": self._today(event),
                    "memo": " / ".join(
                        filter(
                            None,
                            [
                                payment.sale_order_id.name or payment.receipt_ref,
                                data["refund_ref"],
                            ],
                        )
                    ),
                    "payment_reference": data["refund_ref"],
                    "company_id": company.id,
                }
            )
        )
        refund_payment.action_post()
        return refund_payment

    @api.model
    def _reconcile(self, credit_note, refund_payment):
        lines = (credit_note.line_ids + refund_payment.move_id.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
            and not line.reconciled
        )
        for account in lines.account_id:
            lines.filtered(lambda line, a=account: line.account_id == a).reconcile()

    # ------------------------------------------------------------------- returns
    @api.model
    def _return_goods(self, event, payment, lines):
        """Validated returns of the delivered goods of the restocked lines of a web
        order; (returns, {sku: quantity not returned because not delivered})."""
        Picking = self.env["stock.picking"].sudo()
        wanted = defaultdict(float)
        for product, quantity, _amount, restock in lines:
            if restock and product.is_storable:
                wanted[product] += quantity
        order = payment.sale_order_id
        if not wanted or not order:
            # Store receipts restock through pos.refund.completed.
            return Picking, {}
        returns = Picking
        deliveries = order.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state == "done"
        ).sorted(lambda p: (p.date_done, p.id))
        for delivery in deliveries:
            quantities = self._returnable(delivery, wanted)
            if quantities:
                returns |= self._validated_return(delivery, quantities)
        not_returned = {
            product.default_code or product.display_name: quantity
            for product, quantity in wanted.items()
            if quantity > 0
        }
        return returns, not_returned

    @api.model
    def _returnable(self, delivery, wanted):
        """{move: quantity} to take back from ``delivery``, consuming ``wanted``."""
        quantities = {}
        for move in delivery.move_ids.filtered(
            lambda m: m.state == "done" and m.product_id in wanted
        ):
            returned = sum(
                move.returned_move_ids.filtered(lambda r: r.state != "cancel").mapped(
                    "product_qty"
                )
            )
            take = min(move.product_qty - returned, wanted[move.product_id])
            if take > 0:
                quantities[move] = take
                wanted[move.product_id] -= take
        return quantities

    @api.model
    def _validated_return(self, delivery, quantities):
        wizard = (
            self.env["stock.return.picking"]
            .sudo()
            .with_context(active_id=delivery.id, active_model="stock.picking")
            .create({"picking_id": delivery.id})
        )
        for line in wizard.product_return_moves:
            # The credit note documents the refund: the order's delivered
            # quantities stay as they are (see the class docstring).
            line.write(
                {"quantity": quantities.get(line.move_id, 0), "to_refund": False}
            )
        picking = wizard._create_return()
        for move in picking.move_ids:
            move.write({"quantity": move.product_uom_qty, "picked": True})
        picking.with_context(skip_backorder=True, skip_sms=True).button_validate()
        if picking.state != "done":
            raise PermanentError(
                self.env._(
                    "the return %s of the refunded goods could not be validated",
                    picking.name,
                )
            )
        return picking
