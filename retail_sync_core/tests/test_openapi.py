# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from odoo.tests import HttpCase, tagged

URL = "/retail_sync/v1/openapi.json"


@tagged("post_install", "-at_install")
class TestOpenApi(HttpCase):
    def get_document(self):
        response = self.url_open(URL)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(response.headers["Content-Type"].startswith("application/json"))
        return response.json()

    def test_served_document_is_valid_openapi_3_1(self):
        document = self.get_document()
        self.assertTrue(document["openapi"].startswith("3.1."))
        validate(document, cls=OpenAPIV31SpecValidator)
        self.assertEqual(
            set(document["paths"]),
            {
                "/retail_sync/v1/events",
                "/retail_sync/v1/contracts",
                "/retail_sync/v1/contracts/{type}/{version}",
                URL,
            },
        )

    def test_served_document_lists_every_installed_contract(self):
        document = self.get_document()
        schemas = document["components"]["schemas"]
        alternatives = {ref["$ref"] for ref in schemas["Event"]["oneOf"]}
        contracts = self.env["retail.sync.contract"].sudo().search([])
        self.assertGreaterEqual(len(contracts), 8)  # core, pos, ecom, test addon
        self.assertEqual(len(alternatives), len(contracts))
        for contract in contracts:
            name = f"{contract.event_type}.v{contract.version}"
            self.assertIn(f"#/components/schemas/{name}", alternatives)
            # The very schema the contract validates with (less $id and $schema).
            served = schemas[name]
            for key, value in contract.schema.items():
                if key not in ("$id", "$schema"):
                    self.assertEqual(served[key], value, f"{name}: {key}")
        # The index served beside it names the same contracts.
        index = self.url_open("/retail_sync/v1/contracts").json()["contracts"]
        self.assertEqual(
            {f"#/components/schemas/{c['type']}.v{c['version']}" for c in index},
            alternatives,
        )

    def test_a_new_contract_is_served_at_once(self):
        ping = self.env["retail.sync.contract"].search(
            [("event_type", "=", "system.ping"), ("version", "=", 1)]
        )
        self.get_document()  # cached now
        ping.copy({"version": 99, "name": "Ping v99"})
        schemas = self.get_document()["components"]["schemas"]
        self.assertIn("system.ping.v99", schemas)
