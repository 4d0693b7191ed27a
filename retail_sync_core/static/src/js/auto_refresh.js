/** @odoo-module **/
// Reloads the record of a form while it waits on background work (a channel's test
// event running, an event queued for the job runner), so the outcome appears
// without a click.
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";
import {Component, onMounted, onWillUnmount} from "@odoo/owl";

export class RetailSyncAutoRefresh extends Component {
    static template = "retail_sync_core.AutoRefresh";
    static props = {
        ...standardWidgetProps,
        field: {type: String},
        values: {type: Array},
        interval: {type: Number},
        label: {type: String},
    };

    setup() {
        let timer = null;
        onMounted(() => {
            timer = setInterval(() => this.reload(), this.props.interval);
        });
        onWillUnmount(() => clearInterval(timer));
    }

    get waiting() {
        return this.props.values.includes(this.props.record.data[this.props.field]);
    }

    async reload() {
        const record = this.props.record;
        if (this.waiting && record.resId && !record.dirty) {
            await record.load();
        }
    }
}

registry.category("view_widgets").add("retail_sync_auto_refresh", {
    component: RetailSyncAutoRefresh,
    extractProps: ({attrs}) => ({
        field: attrs.field || "state",
        values: (attrs.values || "running").split(","),
        interval: parseInt(attrs.interval || "1000", 10),
        label: attrs.label || "",
    }),
});
