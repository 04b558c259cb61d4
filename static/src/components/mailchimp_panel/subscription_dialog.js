import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { isLocked, statusLabel } from "./status";

/**
 * Subscribe/unsubscribe one address at one provider: a box per list, ticked when the address is subscribed
 * (or waiting for its confirmation). Save changes sends only the boxes that changed, at once;
 * Revert to original values puts the boxes back without saving.
 */
export class SubscriptionDialog extends Component {
    static template = "mailchimp_sync.SubscriptionDialog";
    static components = { Dialog };
    static props = {
        close: Function,
        provider: Object,
        resModel: String,
        resId: Number,
        email: String,
        audiences: Array,
        onSaved: Function,
    };

    setup() {
        this.orm = useService("orm");
        this.state = useState({
            audiences: this.props.audiences,
            original: this.boxesOf(this.props.audiences),
            checked: this.boxesOf(this.props.audiences),
            results: [],
            saving: false,
        });
    }

    get title() {
        return _t("%(provider)s subscriptions of %(email)s", {
            provider: this.props.provider.name,
            email: this.props.email,
        });
    }

    get changed() {
        return this.state.audiences.some(
            (audience) => this.state.checked[audience.list_id] !== this.state.original[audience.list_id]
        );
    }

    boxesOf(audiences) {
        return Object.fromEntries(audiences.map((audience) => [audience.list_id, audience.wanted]));
    }

    isLocked(audience) {
        return isLocked(this.props.provider, audience);
    }

    statusLabel(status) {
        return statusLabel(this.props.provider, status);
    }

    toggle(audience, ev) {
        this.state.checked[audience.list_id] = ev.target.checked;
    }

    revert() {
        this.state.checked = { ...this.state.original };
    }

    async save() {
        this.state.saving = true;
        try {
            const answer = await this.orm.call(this.props.resModel, "customer_panel_save", [[this.props.resId]], {
                provider: this.props.provider.key,
                email: this.props.email,
                original: this.state.original,
                wanted: this.state.checked,
            });
            this.state.results = answer.results;
            const panel = answer.panel.panel;
            if (panel && !answer.panel.stale) {
                this.state.audiences = panel.audiences;
                this.state.original = this.boxesOf(panel.audiences);
                this.state.checked = this.boxesOf(panel.audiences);
            }
            this.props.onSaved(answer.panel);
        } finally {
            this.state.saving = false;
        }
    }
}
