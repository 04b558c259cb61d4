import { _t } from "@web/core/l10n/translation";

/** Words of the providers' statuses (Mailchimp's lower-case, Campaign Monitor's capitalised), as the panel and the dialog show them. */
export function statusLabel(status) {
    const labels = {
        subscribed: _t("Subscribed"),
        unsubscribed: _t("Unsubscribed"),
        pending: _t("Waiting for confirmation"),
        cleaned: _t("Cleaned (bounced)"),
        archived: _t("Archived"),
        deleted: _t("Deleted"),
        transactional: _t("Transactional"),
        Active: _t("Subscribed (Active)"),
        Unsubscribed: _t("Unsubscribed"),
        Unconfirmed: _t("Not confirmed"),
        Bounced: _t("Bounced"),
        Deleted: _t("Deleted"),
    };
    return status ? labels[status] || status : _t("Not a member");
}
