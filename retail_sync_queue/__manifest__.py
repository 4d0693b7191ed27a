# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Queue",
    "summary": "Applies Retail Sync events through OCA queue_job",
    "version": "18.0.2.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "installable": True,
    "external_dependencies": {"python": ["psycopg2"]},
    "depends": ["retail_sync_core", "queue_job"],
    "data": [
        "security/retail_sync_queue_groups.xml",
        "security/ir.model.access.csv",
        "data/queue_job_channel_data.xml",
        "data/queue_job_function_data.xml",
        "data/ir_cron_data.xml",
        "views/retail_sync_event_templates.xml",
        "views/retail_sync_event_views.xml",
        "wizards/retail_sync_event_action_wizard_views.xml",
    ],
}
