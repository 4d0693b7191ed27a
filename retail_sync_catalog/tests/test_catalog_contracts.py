# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import CatalogMixin, catalog


@tagged("post_install", "-at_install")
class TestCatalogDocuments(CatalogMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_catalog()

    def assertValid(self, document_type, document):
        self.assertEqual(
            catalog.problems(document_type, 1, document), [], (document_type, document)
        )

    def test_every_document_sent_validates_against_its_contract(self):
        self.lamp.list_price = 12.0  # price changed
        self.chair.barcode = "5400000000031"  # upserted
        self.shirt.product_variant_ids[0].action_archive()  # removed
        self.push()
        self.subscription.action_resync()
        self.run_jobs()
        batches = self.deliveries()
        kinds = set()
        for delivery in batches:
            self.assertValid(catalog.BATCH, delivery.payload)
            for document in delivery.payload["documents"]:
                self.assertValid(document["type"], document)
                kinds.add(document["type"])
        self.assertEqual(
            kinds, {catalog.UPSERTED, catalog.PRICE_CHANGED, catalog.REMOVED}
        )
        for delivery in self.deliveries(catalog.FULL_PASS):
            self.assertValid(catalog.FULL_PASS, delivery.payload)
            self.assertValid(catalog.FULL_PASS_ANSWER, delivery.answer)

    def test_an_invalid_document_is_reported_with_its_pointer(self):
        problems = catalog.problems(
            catalog.PRICE_CHANGED,
            1,
            {
                "type": catalog.PRICE_CHANGED,
                "schema_version": 1,
                "product_id": 1,
                "version": 3,
                "changed_at": "2026-12-02T10:00:00+00:00",
                "checksum": "0123456789abcdef",
                "data": {"sku": "X", "product_id": 1, "price": 9.9, "currency": "EUR"},
            },
        )
        self.assertEqual([pointer for pointer, _reason in problems], ["/data/price"])

    def test_checksum_rule_matches_the_channel_side(self):
        data = {"sku": "É-1", "price": "1.00", "product_id": 3}
        self.assertEqual(
            catalog.checksum(data), self.storefront.catalog_checksum(dict(data))
        )


@tagged("post_install", "-at_install")
class TestOutboundContractsServed(HttpCase):
    def test_contracts_are_listed_and_served(self):
        response = self.url_open("/retail_sync/v1/outbound_contracts")
        self.assertEqual(response.status_code, 200)
        listed = {(c["type"], c["version"]) for c in response.json()["contracts"]}
        self.assertEqual(
            listed,
            {
                (catalog.UPSERTED, 1),
                (catalog.REMOVED, 1),
                (catalog.PRICE_CHANGED, 1),
                (catalog.BATCH, 1),
                (catalog.FULL_PASS, 1),
                (catalog.FULL_PASS_ANSWER, 1),
            },
        )
        schema = self.url_open(
            f"/retail_sync/v1/outbound_contracts/{catalog.UPSERTED}/1"
        ).json()
        self.assertEqual(schema["properties"]["type"], {"const": catalog.UPSERTED})

    def test_an_unknown_contract_is_a_json_404(self):
        response = self.url_open("/retail_sync/v1/outbound_contracts/nope/1")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "unknown_contract")
