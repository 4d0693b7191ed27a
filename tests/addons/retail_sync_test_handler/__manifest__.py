# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Test-only addon, installed only in the test database: it adds two domains, three
# contracts and their handlers through the extension point alone, as a client addon
# would, and its tests prove the drain engine with them.
{
    "name": "Retail Sync Test Handler",
    "summary": "Test-only: new domains and handlers, registered as a client would",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_queue"],
    "data": [
        "security/ir.model.access.csv",
        "data/retail_sync_domain_data.xml",
        "data/retail_sync_contract_data.xml",
    ],
}
