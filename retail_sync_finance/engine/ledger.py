"""What a store receipt books, in the currency's minor units (cents), without Odoo.

A receipt is summarized once, when its event is applied (``summarize_sale``,
``summarize_refund``): its lines (SKU, quantity, tax codes, net amount, discount,
tax amounts, gift card or not) and its payments per method. The summary is what
the finance tier keeps: the day's entry is built from summaries, never from event
payloads (those may be purged by retention).

``book`` turns one summary into ledger amounts with the tax mapping of the day it
is built; ``Daybook`` adds receipts up. Every amount is an integer number of minor
units, so sums are exact and a day balances by construction: per receipt, what is
paid minus what the lines and taxes come to is the rounding (within the tolerance)
or the difference (beyond it, parked on the differences account with an
exception)."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal


def to_minor(value, digits):
    """``value`` (a JSON number in currency units) as an integer of minor units,
    half away from zero like Odoo's currency rounding."""
    quantum = Decimal(1).scaleb(-digits)
    return int(
        (Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)).scaleb(digits)
    )


def to_major(minor, digits):
    """Minor units back to a float of currency units (exact at ``digits``)."""
    return float(Decimal(minor).scaleb(-digits))


def _line_ref(line):
    return line.get("sku") or line.get("barcode") or ""


def summarize_sale(data, digits, gift_card_refs=()):
    """The summary of a ``pos.sale.completed`` data: lines and payments in minor
    units. A line whose SKU or barcode is a gift card reference sells a gift card
    (a liability, no tax)."""
    lines = []
    gift_card_refs = set(gift_card_refs)
    for line in data["lines"]:
        gross = to_minor(line["quantity"] * line["unit_price"], digits)
        discount = to_minor(line.get("discount") or 0, digits)
        taxes = defaultdict(int)
        for tax in line.get("taxes") or []:
            taxes[tax["code"]] += to_minor(tax["amount"], digits)
        gift = bool({line.get("sku"), line.get("barcode")} & gift_card_refs - {None})
        lines.append(
            {
                "ref": _line_ref(line),
                "qty": line["quantity"],
                "net": gross - discount,
                "discount": discount,
                "taxes": dict(sorted(taxes.items())),
                "gift": gift,
            }
        )
    return {"lines": lines, "payments": _payments(data, digits)}


def _payments(data, digits):
    payments = defaultdict(int)
    for payment in data.get("payments") or []:
        payments[payment["method"]] += to_minor(payment["amount"], digits)
    return dict(sorted(payments.items()))


def _share(amount, part, whole):
    """``amount * part / whole`` rounded half up to a minor unit."""
    if not whole:
        return 0
    value = Decimal(amount) * Decimal(str(part)) / Decimal(str(whole))
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def summarize_refund(data, digits, original):
    """The summary of a ``pos.refund.completed`` data. Its lines are priced and
    taxed as the original receipt sold them (``original``: that receipt's summary,
    or None when it is not recorded), for the refunded share of each quantity; a
    line the original does not have is taken at its own unit price, untaxed.
    ``matched`` says whether the original receipt was found."""
    originals = defaultdict(list)
    for line in (original or {}).get("lines", []):
        originals[line["ref"]].append(line)
    lines = []
    for line in data["lines"]:
        ref = _line_ref(line)
        quantity = line["quantity"]
        sold = originals.get(ref)
        if sold:
            source = sold[0]
            lines.append(
                {
                    "ref": ref,
                    "qty": quantity,
                    "net": _share(source["net"], quantity, source["qty"]),
                    "discount": _share(source["discount"], quantity, source["qty"]),
                    "taxes": {
                        code: _share(amount, quantity, source["qty"])
                        for code, amount in source["taxes"].items()
                    },
                    "gift": source["gift"],
                }
            )
        else:
            lines.append(
                {
                    "ref": ref,
                    "qty": quantity,
                    "net": to_minor(quantity * (line.get("unit_price") or 0), digits),
                    "discount": 0,
                    "taxes": {},
                    "gift": False,
                }
            )
    return {
        "lines": lines,
        "payments": _payments(data, digits),
        "matched": original is not None,
        "unpriced": [
            _line_ref(line)
            for line in data["lines"]
            if not originals.get(_line_ref(line)) and not line.get("unit_price")
        ],
    }


def tax_key(codes):
    """The revenue key of a line: its tax codes, sorted, joined by '+'."""
    return "+".join(sorted(codes))


def book(summary, included, gift_card_methods=(), tolerance=0, split_discount=True):
    """Ledger amounts of one receipt (minor units, positive as a sale books them).

    ``included``: {tax code: True when the POS's prices include that tax}; a code
    missing from it is reported in ``unmapped`` and counted as excluded.
    Returns revenue and discount per tax key (untaxed amounts), tax per code,
    payments per method (gift card methods apart), gift cards sold and redeemed,
    and ``total`` (paid), ``computed`` (lines and taxes), ``rounding`` (within the
    tolerance) or ``difference`` (beyond it)."""
    revenue, discount, taxes = defaultdict(int), defaultdict(int), defaultdict(int)
    unmapped = set()
    gift_sold = 0
    computed = 0
    for line in summary["lines"]:
        if line["gift"]:
            gift_sold += line["net"]
            computed += line["net"]
            continue
        inside = 0
        for code, amount in line["taxes"].items():
            taxes[code] += amount
            if code not in included:
                unmapped.add(code)
            if included.get(code):
                inside += amount
            else:
                computed += amount
        computed += line["net"]
        base = line["net"] - inside
        key = tax_key(line["taxes"])
        if split_discount and line["discount"]:
            # The discount's own untaxed part, in the proportion of the line's.
            line_discount = (
                _share(line["discount"], base, line["net"])
                if inside and line["net"]
                else line["discount"]
            )
            revenue[key] += base + line_discount
            discount[key] += line_discount
        else:
            revenue[key] += base
    gift_methods = set(gift_card_methods)
    payments = {m: a for m, a in summary["payments"].items() if m not in gift_methods}
    gift_redeemed = sum(a for m, a in summary["payments"].items() if m in gift_methods)
    total = sum(summary["payments"].values())
    gap = total - computed
    within = abs(gap) <= tolerance
    return {
        "revenue": dict(revenue),
        "discount": dict(discount),
        "tax": dict(taxes),
        "payments": payments,
        "tendered": dict(summary["payments"]),
        "gift_sold": gift_sold,
        "gift_redeemed": gift_redeemed,
        "total": total,
        "computed": computed,
        "rounding": gap if within else 0,
        "difference": 0 if within else gap,
        "unmapped": sorted(unmapped),
    }


class Daybook:
    """The sum of a day's receipts, sales and refunds apart, in minor units."""

    def __init__(self):
        self.sales = defaultdict(lambda: defaultdict(int))
        self.refunds = defaultdict(lambda: defaultdict(int))
        self.scalars = defaultdict(int)
        self.settled = defaultdict(int)
        # Tax of refund receipts the payments tier's credit notes hold: out of
        # the entry, still in what the Z report should say.
        self.refund_tax_settled = defaultdict(int)

    def settle(self, method, key, amount):
        """``amount`` of the day's ``method`` payments that Odoo already holds as
        a posted customer payment (the payments tier posted the capture): it is
        booked on ``key`` (the receivable that payment credited) instead of the
        method's account, so the money is in the books once. The Z report's
        totals (``totals``) still count it under its method."""
        self.sales["payments"][method] -= amount
        self.settled[key] += amount

    def settle_refund(self, share, difference_accepted=False):
        """Leave out of the entry ``share`` (``refund_share``) of a refund
        receipt: the part a credit note and a refund payment of the payments
        tier already book. The Z report's totals still count it."""
        for part in ("revenue", "discount", "tax", "payments"):
            for code, amount in share[part].items():
                self.refunds[part][code] -= amount
        for code, amount in share["tax"].items():
            self.refund_tax_settled[code] += amount
        # add() counted a refund's scalars with the sign -1.
        for scalar in ("gift_sold", "rounding"):
            self.scalars[scalar] += share[scalar]
        self.scalars["rounding" if difference_accepted else "difference"] += share[
            "difference"
        ]

    def add(self, booked, refund=False, difference_accepted=False):
        side = self.refunds if refund else self.sales
        sign = -1 if refund else 1
        for part in ("revenue", "discount", "tax", "payments", "tendered"):
            for code, amount in booked[part].items():
                side[part][code] += amount
        self.scalars["gift_sold"] += sign * booked["gift_sold"]
        self.scalars["gift_redeemed"] += sign * booked["gift_redeemed"]
        self.scalars["rounding"] += sign * booked["rounding"]
        if difference_accepted:
            self.scalars["rounding"] += sign * booked["difference"]
        else:
            self.scalars["difference"] += sign * booked["difference"]

    def lines(self):
        """(kind, code, debit minus credit) of the day's entry, zero amounts left
        out, in a stable order; they sum to zero."""
        out = []
        for side, sign, refund in ((self.sales, 1, False), (self.refunds, -1, True)):
            for code, amount in sorted(side["revenue"].items()):
                out.append(
                    ("refund_revenue" if refund else "revenue", code, -sign * amount)
                )
            for code, amount in sorted(side["discount"].items()):
                out.append(
                    ("refund_discount" if refund else "discount", code, sign * amount)
                )
            for code, amount in sorted(side["tax"].items()):
                out.append(("refund_tax" if refund else "tax", code, -sign * amount))
            for code, amount in sorted(side["payments"].items()):
                out.append(
                    ("refund_payment" if refund else "payment", code, sign * amount)
                )
        for key, amount in sorted(self.settled.items()):
            out.append(("settled", key, amount))
        s = self.scalars
        out.append(("gift_card_sold", "", -s["gift_sold"]))
        out.append(("gift_card_redeemed", "", s["gift_redeemed"]))
        out.append(("rounding", "", -s["rounding"]))
        out.append(("difference", "", -s["difference"]))
        return [line for line in out if line[2]]

    def totals(self):
        """Net amounts per payment method (gift cards included) and per tax code
        (sales minus refunds): what a Z report of the day should say."""
        methods, taxes = defaultdict(int), defaultdict(int)
        for side, sign in ((self.sales, 1), (self.refunds, -1)):
            for code, amount in side["tendered"].items():
                methods[code] += sign * amount
            for code, amount in side["tax"].items():
                taxes[code] += sign * amount
        for code, amount in self.refund_tax_settled.items():
            taxes[code] -= amount
        return dict(methods), dict(taxes)


def settleable(tendered, captures):
    """How much of each capture posted for a receipt settles its payments: a
    capture takes from what the receipt says was paid by its method, never more
    (``tendered``: {method: minor units} of the receipt; ``captures``: [(method,
    minor units)] in their order). Returns the amounts, in the same order."""
    left = dict(tendered)
    out = []
    for method, amount in captures:
        take = max(0, min(amount, left.get(method, 0)))
        left[method] = left.get(method, 0) - take
        out.append(take)
    return out


def refund_share(booked, method, amount):
    """The part of a refund receipt's booking (``book`` of its summary) that a
    refund posted by the payments tier holds already: its credit note reversed
    revenue and tax for ``amount``, its refund payment gave ``amount`` back by
    ``method``. Each line of the receipt is taken in the proportion ``amount``
    / the receipt's total; the cents that proportion leaves go to rounding, so
    the share balances (revenue - discount + tax + gift cards + difference +
    rounding = ``amount``) and what stays of the receipt balances too. The
    whole receipt when ``amount`` is its total."""
    total = booked["total"]

    def part(values):
        return {code: _share(value, amount, total) for code, value in values.items()}

    share = {
        "revenue": part(booked["revenue"]),
        "discount": part(booked["discount"]),
        "tax": part(booked["tax"]),
        "payments": {method: amount},
        "gift_sold": _share(booked["gift_sold"], amount, total),
        "difference": _share(booked["difference"], amount, total),
    }
    share["rounding"] = amount - (
        sum(share["revenue"].values())
        - sum(share["discount"].values())
        + sum(share["tax"].values())
        + share["gift_sold"]
        + share["difference"]
    )
    return share
