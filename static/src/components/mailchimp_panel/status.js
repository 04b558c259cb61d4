import { _t } from "@web/core/l10n/translation";

/** Words of Mailchimp's member statuses, as the panel and the dialog show them. */
export function statusLabel(status) {
    const labels = {
        subscribed: _t("Subscribed"),
        unsubscribed: _t("Unsubscribed"),
        pending: _t("Waiting for confirmation"),
        cleaned: _t("Cleaned (bounced)"),
        archived: _t("Archived"),
        deleted: _t("Deleted"),
        transactional: _t("Transactional"),
    };
    return status ? labels[status] || status : _t("Not a member");
}
