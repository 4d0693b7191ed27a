/** @odoo-module **/
// Opens the Retail Sync app from the apps menu and finds the channel created by the test.
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("retail_sync_menu_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app[data-menu-xmlid='retail_sync_core.retail_sync_root_menu']",
            run: "click",
        },
        {
            trigger: ".o_menu_brand:contains('Retail Sync')",
        },
        {
            trigger: ".o_menu_sections button:contains('Configuration')",
            run: "click",
        },
        {
            trigger:
                ".dropdown-item[data-menu-xmlid='retail_sync_core.retail_sync_channel_menu']",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td:contains('Tour Test Store')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=code] input",
            run: function () {
                const value = this.anchor.value;
                if (value !== "TOUR-STORE") {
                    throw new Error(`Expected code TOUR-STORE, got ${value}`);
                }
            },
        },
    ],
});
