/** @odoo-module **/
// Reloads the record of a form while a background task it shows is running (a
// channel's test event), so the result appears without a click.
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {Component, onMounted, onWillUnmount} from "@odoo/owl";

export class RetailSyncAutoRefresh extends Component {
    static template = "retail_sync_core.AutoRefresh";
    static props = {
        ...standardWidgetProps,
        field: {type: String},
        value: {type: String},
        interval: {type: Number},
    };

    setup() {
        let timer = null;
        onMounted(() => {
            timer = setInterval(() => this.reload(), this.props.interval);
        });
        onWillUnmount(() => clearInterval(timer));
    }

    async reload() {
        const record = this.props.record;
        if (record.data[this.props.field] === this.props.value && !record.dirty) {
            await record.load();
        }
    }
}

registry.category("view_widgets").add("retail_sync_auto_refresh", {
    component: RetailSyncAutoRefresh,
    extractProps: ({attrs}) => ({
        field: attrs.field || "state",
        value: attrs.value || "running",
        interval: parseInt(attrs.interval || "500", 10),
    }),
});
