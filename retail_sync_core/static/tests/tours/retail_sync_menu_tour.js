/** @odoo-module **/
// Opens the Retail Sync app from the apps menu and finds the channel created by the test.
import {registry} from "@web/core/registry";
import {
    openConfiguration,
    openRetailSyncApp,
} from "@retail_sync_core/../tests/tours/retail_sync_tour_utils";

registry.category("web_tour.tours").add("retail_sync_menu_tour", {
    url: "/odoo",
    steps: () => [
        ...openRetailSyncApp(),
        ...openConfiguration("retail_sync_channel_menu"),
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
