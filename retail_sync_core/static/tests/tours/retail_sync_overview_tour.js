/** @odoo-module **/
// The Retail Sync app opens on the overview: a card per channel coloured by health,
// the figures by domain, the events over time; a card drills to the channel's events.
import {registry} from "@web/core/registry";
import {
    openRetailSyncApp,
    openRetailSyncMenu,
} from "@retail_sync_core/../tests/tours/retail_sync_tour_utils";

const CARD = ".o_kanban_record:contains('Overview Tour Store')";

registry.category("web_tour.tours").add("retail_sync_overview_tour", {
    url: "/odoo",
    steps: () => [
        ...openRetailSyncApp(),
        {
            // The app's default action: the kanban of channels, this one in breach.
            trigger: `${CARD} span[name=health_badge].text-bg-danger:contains('Breach')`,
        },
        {
            trigger: `${CARD} [name=dead_letters]:contains('1')`,
        },
        ...openRetailSyncMenu("Overview", "retail_sync_channel_domain_overview_menu"),
        {
            trigger:
                ".o_list_view .o_data_row:contains('Overview Tour Store'):contains('Orders') td[name=dead_count]:contains('1')",
        },
        ...openRetailSyncMenu("Overview", "retail_sync_stat_menu"),
        {
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        ...openRetailSyncMenu("Overview", "retail_sync_channel_overview_menu"),
        {
            trigger: CARD,
            run: "click",
        },
        {
            // The card opened the channel's events.
            trigger: ".o_breadcrumb:contains('Events of Overview Tour Store')",
        },
        {
            trigger:
                ".o_list_view .o_data_row td[name=channel_id]:contains('Overview Tour Store')",
        },
    ],
});
