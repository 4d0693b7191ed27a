# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail Sync Core",
    "summary": "Channels, inbox, bindings, contracts and the Retail Sync menu",
    "version": "18.0.2.1.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/retail-sync/retail-sync",
    "author": "Retail Sync",
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": ["mail", "web"],
    # Every package the addon imports itself (Odoo's own included).
    "external_dependencies": {
        "python": [
            "jsonschema",
            "jsonschema_rs",
            "psycopg2",
            "requests",
            "standardwebhooks",
            "werkzeug",
        ]
    },
    "data": [
        "security/retail_sync_core_groups.xml",
        "security/ir.model.access.csv",
        "security/retail_sync_core_rules.xml",
        "data/retail_sync_domain_data.xml",
        "data/retail_sync_contract_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/retail_sync_field_owner_data.xml",
        "views/retail_sync_channel_test_views.xml",
        "views/retail_sync_channel_views.xml",
        "views/retail_sync_event_views.xml",
        "views/retail_sync_binding_views.xml",
        "views/retail_sync_contract_views.xml",
        "views/retail_sync_domain_views.xml",
        "views/retail_sync_delivery_views.xml",
        "views/retail_sync_channel_domain_views.xml",
        "views/retail_sync_stat_views.xml",
        "views/retail_sync_alert_views.xml",
        "wizards/retail_sync_secret_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/retail_sync_field_owner_views.xml",
        "views/retail_sync_core_menus.xml",
    ],
    # Loaded server-wide (server_wide_modules), the API answers JSON 503 while no
    # database can serve it: see controllers/edge.py.
    "post_load": "post_load",
    "assets": {
        "web.assets_backend": [
            "retail_sync_core/static/src/js/*",
        ],
        "web.assets_tests": [
            "retail_sync_core/static/tests/tours/*.js",
        ],
    },
}
