import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { statusLabel } from "./status";
import { SubscriptionDialog } from "./subscription_dialog";

/**
 * One provider's section of the customer's panel: one tab per address (its own, several in one field,
 * its contacts'), and for the selected one its lists, last campaigns and average rates, live from the
 * provider (cached a few minutes on the server; the refresh icon reads the provider again).
 * It knows the provider by its key only: the server's `customer_panel` answers for any provider.
 */
export class ProviderPanel extends Component {
    static template = "mailchimp_sync.ProviderPanel";
    static props = { ...standardWidgetProps, provider: Object };

    setup() {
        this.orm = useService("orm");
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.state = useState({ loading: true, data: null, email: false });
        this.loadedFor = null;
        onWillStart(() => this.load());
        onWillUpdateProps((nextProps) => {
            if (this.recordKey(nextProps.record) !== this.loadedFor) {
                const sameRecord = nextProps.record.resId === this.props.record.resId;
                return this.load({ record: nextProps.record, email: sameRecord && this.state.email });
            }
        });
    }

    /** What the panel shows depends on: the record, and its saved email (not while it is being edited). */
    recordKey(record) {
        if (!record.resId) {
            return null;
        }
        return record.dirty ? this.loadedFor : `${record.resId}|${record.data.email}`;
    }

    get panel() {
        return this.state.data?.panel;
    }

    /** The rows the panel lists: all of them, or only the lists that have the address for some providers. */
    get shownLists() {
        const rows = this.panel?.audiences || [];
        return this.panel?.members_only ? rows.filter((row) => row.status) : rows;
    }

    async load({ record = this.props.record, email = this.state.email, refresh = false } = {}) {
        this.loadedFor = this.recordKey(record);
        if (!record.resId) {
            this.state.data = null;
            this.state.loading = false;
            return;
        }
        this.state.loading = true;
        try {
            const data = await this.orm.call(record.resModel, "customer_panel", [[record.resId]], {
                provider: this.props.provider.key,
                email: email || false,
                refresh,
            });
            this.state.data = data;
            this.state.email = data.selected;
        } finally {
            this.state.loading = false;
        }
    }

    selectAddress(email) {
        return this.load({ email });
    }

    refresh() {
        return this.load({ refresh: true });
    }

    statusLabel(status) {
        return statusLabel(this.props.provider, status);
    }

    formatMoment(value) {
        return value ? formatDateTime(deserializeDateTime(value), { showSeconds: false }) : "";
    }

    get refreshTitle() {
        return _t("Read again from %s", this.props.provider.name);
    }

    openedTitle(campaign) {
        return _t("Opened %s", this.formatMoment(campaign.opened_at));
    }

    clickedTitle(campaign) {
        return _t("Clicked %s", this.formatMoment(campaign.clicked_at));
    }

    percent(rate) {
        return `${Math.round(rate * 1000) / 10} %`;
    }

    async openSubscriptions() {
        const record = this.props.record;
        await this.load({ refresh: true });
        if (!this.panel || this.state.data.stale) {
            this.notification.add(
                this.state.data?.message || _t("%s unreachable: try again later.", this.props.provider.name),
                { type: "warning" }
            );
            return;
        }
        this.dialog.add(SubscriptionDialog, {
            provider: this.props.provider,
            resModel: record.resModel,
            resId: record.resId,
            email: this.state.email,
            audiences: this.panel.audiences,
            onSaved: (data) => {
                this.state.data = data;
                this.state.email = data.selected;
                record.load();
            },
        });
    }
}

/**
 * The customer's panel: a section per connected newsletter provider, in the order the server gives them.
 * A view widget: `<widget name="mailchimp_panel"/>` in any form of a model with `customer_panel_providers`.
 */
export class CustomerPanel extends Component {
    static template = "mailchimp_sync.CustomerPanel";
    static components = { ProviderPanel };
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ providers: [] });
        onWillStart(async () => {
            const record = this.props.record;
            if (record.resId) {
                this.state.providers = await this.orm.call(record.resModel, "customer_panel_providers", [
                    [record.resId],
                ]);
            }
        });
    }
}

registry.category("view_widgets").add("mailchimp_panel", { component: CustomerPanel });
