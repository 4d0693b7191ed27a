/** @odoo-module **/
// An operator finds a sale that died on an unmapped SKU among the dead letters, maps
// the SKU, replays the sale and sees it applied.
import {registry} from "@web/core/registry";
import {
    openConfiguration,
    openRetailSyncApp,
} from "@retail_sync_core/../tests/tours/retail_sync_tour_utils";

registry.category("web_tour.tours").add("retail_sync_dead_letter_tour", {
    url: "/odoo",
    steps: () => [
        ...openRetailSyncApp(),
        {
            trigger:
                ".o_menu_sections [data-menu-xmlid='retail_sync_core.retail_sync_event_dead_menu']",
            run: "click",
        },
        // Two channels have dead letters: keep the Tour store's.
        {
            trigger: ".o_list_view .o_data_row:contains('TOUR-OTHER-1')",
        },
        {
            trigger: ".o_searchview_input",
            run: "edit Tour store POS",
        },
        {
            trigger: ".o_searchview_autocomplete .o_menu_item:contains('Channel')",
            run: "click",
        },
        {
            trigger: ".o_searchview_facet:contains('Tour store POS')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('TOUR-OTHER-1')))",
        },
        {
            trigger:
                ".o_list_view .o_data_row:contains('TOUR-SALE-1') td[name=external_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view .alert-danger:contains('TOUR-MUG')",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains('Dead')",
        },
        // Map the SKU to the Odoo product.
        ...openConfiguration("retail_sync_binding_menu"),
        {
            trigger: ".o_list_view .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=channel_id] input",
            run: "edit Tour store POS",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour store POS')",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=kind] select",
            run: 'select "product"',
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=external_ref] input",
            run: "edit TOUR-MUG",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=record_ref] select",
            run: "select product.product",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=record_ref] input",
            run: "edit Tour mug",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Tour mug')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_list_button_save",
            run: "click",
        },
        {
            trigger:
                ".o_list_view .o_data_row:contains('TOUR-MUG'):not(.o_selected_row)",
        },
        // Back to the dead letter: replay it.
        {
            trigger:
                ".o_menu_sections [data-menu-xmlid='retail_sync_core.retail_sync_event_dead_menu']",
            run: "click",
        },
        {
            trigger:
                ".o_list_view .o_data_row:contains('TOUR-SALE-1') td[name=external_id]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_replay]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "edit SKU mapped to the Odoo product",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        // The form follows the event until the queue has applied it.
        {
            trigger:
                ".o_form_view .o_field_widget[name=state] .o_arrow_button_current:contains('Done')",
            timeout: 30000,
        },
        {
            trigger: ".o_form_view .o_notebook a:contains('Records produced')",
            run: "click",
        },
        // On hand changed at once; its stock move comes with the settlement.
        {
            trigger:
                ".o_form_view .o_field_widget[name=stock_movement_ids] .o_data_row:contains('ODOO-MUG')",
        },
    ],
});
