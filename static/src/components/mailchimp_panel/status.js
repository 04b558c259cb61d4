/**
 * The word a provider uses for one of its statuses, as the panel and the dialog show it. The words come from
 * the server with the provider's section (`statuses`, `none_label`): the widget knows no provider's words.
 */
export function statusLabel(provider, status) {
    return status ? provider.statuses?.[status] || status : provider.none_label;
}

/** Whether only the contact can change the address's state in this list (the row or the provider says so). */
export function isLocked(provider, row) {
    return Boolean(row.locked) || (provider.locked_statuses || []).includes(row.status);
}
