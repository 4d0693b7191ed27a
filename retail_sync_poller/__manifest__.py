# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Legacy POS Poller",
    "summary": "Polled channels: a legacy POS database or CSV exports read from a "
    "watermark and mapped to canonical events",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "depends": ["retail_sync_mapping", "retail_sync_pos"],
    "external_dependencies": {"python": ["sqlalchemy"]},
    "data": [
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
        "data/ir_cron_data.xml",
        "views/retail_sync_poll_state_views.xml",
        "views/retail_sync_channel_views.xml",
        "views/retail_sync_poller_menus.xml",
    ],
}
