/** @odoo-module **/
// Steps shared by the Retail Sync tours.

/** From the home screen, open the Retail Sync app and wait for its first page. */
export function openRetailSyncApp() {
    return [
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
            // The app's first page is loaded (whichever it is).
            trigger: ".o_action_manager .o_control_panel",
        },
    ];
}

/** Open the menu ``xmlid`` (a retail_sync_core menu) under the section ``section``. */
export function openRetailSyncMenu(section, xmlid) {
    return [
        {
            trigger: `.o_menu_sections button:contains('${section}')`,
            run: "click",
        },
        {
            trigger: `.dropdown-item[data-menu-xmlid='retail_sync_core.${xmlid}']`,
            run: "click",
        },
    ];
}

/** Open an entry of the Configuration menu. */
export function openConfiguration(xmlid) {
    return openRetailSyncMenu("Configuration", xmlid);
}
