/** @odoo-module **/
// A manager creates a channel and sends it a test event, then reads the round trip.
import {registry} from "@web/core/registry";
import {
    openConfiguration,
    openRetailSyncApp,
} from "@retail_sync_core/../tests/tours/retail_sync_tour_utils";

registry.category("web_tour.tours").add("retail_sync_channel_test_event_tour", {
    url: "/odoo",
    steps: () => [
        ...openRetailSyncApp(),
        ...openConfiguration("retail_sync_channel_menu"),
        {
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Tour Outlet POS",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=code] input",
            run: "edit TOUR-OUT",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        {
            trigger: ".o_form_view button[name=action_send_test_event]",
            run: "click",
        },
        {
            // The dialog follows the run until the event is applied by the queue.
            trigger:
                ".modal .o_field_widget[name=state] .o_arrow_button_current:contains('Round trip done')",
            timeout: 30000,
        },
        {
            trigger: ".modal .o_field_widget[name=applied_ms]",
            run: function () {
                const applied = parseInt(
                    this.anchor.textContent.replace(/\D/g, ""),
                    10
                );
                if (!(applied > 0)) {
                    throw new Error(
                        `Expected an applied time, got "${this.anchor.textContent}"`
                    );
                }
            },
        },
        {
            trigger: ".modal .o_field_widget[name=event_id]:contains('ping-')",
        },
        {
            trigger: ".modal-footer button:contains('Close')",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
