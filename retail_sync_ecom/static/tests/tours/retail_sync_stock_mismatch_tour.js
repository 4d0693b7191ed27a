/** @odoo-module **/
// A manager opens Stock mismatches, compares now, and pushes Odoo's figure for a row.
import {registry} from "@web/core/registry";

const INBOUND_EVENTS = "/odoo/action-retail_sync_core.retail_sync_event_action";

registry.category("web_tour.tours").add("retail_sync_stock_mismatch_tour", {
    // Starts inside the Retail Sync app (its inbound events), then takes the menu.
    url: INBOUND_EVENTS,
    steps: () => [
        {
            trigger:
                ".o_menu_sections [data-menu-xmlid='retail_sync_ecom.retail_sync_stock_mismatch_menu']",
            run: "click",
        },
        {
            trigger: ".o_group_name:contains('Tour mismatch storefront')",
            run: "click",
        },
        {
            trigger: ".o_data_row td[name=sku]:contains('TOUR-MM-KETTLE')",
        },
        {
            trigger: ".o_data_row td[name=difference]:contains('-3.00')",
        },
        {
            trigger: ".o_control_panel button:contains('Check now')",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('1 open')",
        },
        {
            trigger: ".o_data_row button[name=action_push_correction]",
            run: "click",
        },
        {
            trigger: ".o_data_row td[name=state]:contains('Corrective push queued')",
        },
    ],
});
