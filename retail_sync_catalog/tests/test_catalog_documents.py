# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields
from odoo.tests import TransactionCase, tagged

from .common import CatalogMixin


@tagged("post_install", "-at_install")
class TestCatalogDocumentValues(CatalogMixin, TransactionCase):
    """Documents are computed a batch at a time (templates and attribute values
    read once, each product tried only on the pricelist rules that can apply to
    it): they must hold exactly what Odoo's own fields and pricelist give."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_catalog()
        large = cls.shirt.attribute_line_ids.product_template_value_ids.filtered(
            lambda value: value.name == "L"
        )
        large.price_extra = 2.5
        material = cls.env["product.attribute"].create(
            {"name": "Catalog material", "value_ids": [(0, 0, {"name": "Cotton"})]}
        )
        cls.shirt.attribute_line_ids = [
            (0, 0, {"attribute_id": material.id, "value_ids": material.value_ids.ids})
        ]
        Item = cls.env["product.pricelist.item"]
        pricelist = cls.pricelist.id
        Item.create(
            [
                {
                    "pricelist_id": pricelist,
                    "applied_on": "0_product_variant",
                    "product_id": cls.lamp.id,
                    "compute_price": "fixed",
                    "fixed_price": 21.0,
                },
                {
                    "pricelist_id": pricelist,
                    "applied_on": "1_product",
                    "product_tmpl_id": cls.shirt.id,
                    "compute_price": "percentage",
                    "percent_price": 10.0,
                },
                {
                    "pricelist_id": pricelist,
                    "applied_on": "2_product_category",
                    "categ_id": cls.shop_category.id,
                    "compute_price": "formula",
                    "price_discount": 5.0,
                    "price_surcharge": 0.99,
                },
                {
                    "pricelist_id": pricelist,
                    "applied_on": "3_global",
                    "compute_price": "fixed",
                    "fixed_price": 1.0,
                    "min_quantity": 5,
                },
            ]
        )
        cls.products = (
            cls.lamp | cls.chair | cls.stapler | cls.shirt.product_variant_ids
        )

    def expected(self, subscription):
        currency = subscription.currency_id
        if subscription.pricelist_id:
            prices = subscription.pricelist_id._get_products_price(
                self.products, 1.0, currency=currency
            )
        else:
            prices = {
                p.id: p.currency_id._convert(
                    p.lst_price,
                    currency,
                    p.company_id or self.env.company,
                    fields.Date.today(),
                )
                for p in self.products
            }
        return {
            product.id: {
                "price": f"{currency.round(prices[product.id]):.2f}",
                "name": product.with_context(display_default_code=False).display_name,
                "list_price": f"{product.currency_id.round(product.lst_price):.2f}",
                "category": product.categ_id.complete_name,
                "uom": product.uom_id.name,
                "attributes": [
                    {"attribute": value.attribute_id.name, "value": value.name}
                    for value in product.product_template_attribute_value_ids
                ],
            }
            for product in self.products
        }

    def test_documents_hold_odoo_s_values(self):
        for pricelist in (self.pricelist, self.env["product.pricelist"]):
            self.subscription.pricelist_id = pricelist
            self.env.invalidate_all()
            data = self.subscription._data(self.products)
            expected = self.expected(self.subscription)
            for product in self.products:
                got = data[product.id]
                self.assertEqual(
                    {key: got[key] for key in expected[product.id]},
                    expected[product.id],
                    f"{product.display_name} at {pricelist.name or 'sales price'}",
                )
        # The rules did apply: the lamp's own fixed price, the shirt's template
        # rule on its sales price with the extra of L; the single value line
        # (material) is not in the name.
        self.subscription.pricelist_id = self.pricelist
        data = self.subscription._data(self.products)
        large = self.shirt.product_variant_ids.filtered(
            lambda v: "L" in v.product_template_attribute_value_ids.mapped("name")
        )
        eur, company = self.subscription.currency_id, self.env.company.currency_id
        self.assertEqual(data[self.lamp.id]["price"], "21.00")
        in_eur = company._convert(
            22.5, eur, self.env.company, fields.Date.today(), round=False
        )
        self.assertEqual(data[large.id]["price"], f"{eur.round(in_eur * 0.9):.2f}")
        self.assertEqual(data[large.id]["list_price"], "22.50")
        self.assertEqual(data[large.id]["name"], "Catalog shirt (L)")
