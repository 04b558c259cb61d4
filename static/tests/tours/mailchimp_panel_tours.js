/** @odoo-module **/

import { registry } from "@web/core/registry";

const PANEL = ".o_mailchimp_panel";

function audienceStatus(name, css, label) {
    return {
        content: `${name}: ${label} in ${css}`,
        trigger: `${PANEL} .o_mailchimp_panel_audience:contains('${name}') .o_mailchimp_panel_status.${css}:contains('${label}')`,
    };
}

registry.category("web_tour.tours").add("mailchimp_sync_customer_panel", {
    steps: () => [
        {
            content: "Open the Mailchimp tab of the customer",
            trigger: ".o_notebook a:contains('Mailchimp')",
            run: "click",
        },
        {
            content: "The first address is the active tab, in black",
            trigger: `${PANEL} .o_mailchimp_panel_address_active:contains('office@acme-panel.com')`,
        },
        {
            content: "The second address of the same field is a link",
            trigger: `${PANEL} a.o_mailchimp_panel_address:contains('sales@acme-panel.com')`,
        },
        {
            content: "The contact's address is a link too, with the contact's name",
            trigger: `${PANEL} li:has(a.o_mailchimp_panel_address:contains('jan@acme-panel.com')):contains('Jan Kowalski')`,
        },
        audienceStatus("Newsletter", "text-success", "Subscribed"),
        audienceStatus("Events", "text-danger", "Unsubscribed"),
        audienceStatus("Partners", "text-warning", "Waiting for confirmation"),
        audienceStatus("Old list", "text-muted", "Cleaned"),
        {
            content: "The three latest campaigns, newest first",
            trigger: `${PANEL} .o_mailchimp_panel_campaign:eq(0):contains('April') + .o_mailchimp_panel_campaign:contains('March') + .o_mailchimp_panel_campaign:contains('February')`,
        },
        {
            content: "February was opened and clicked",
            trigger: `${PANEL} .o_mailchimp_panel_campaign:contains('February') .o_mailchimp_panel_clicked`,
        },
        {
            content: "The average rates",
            trigger: `${PANEL} .o_mailchimp_panel_open_rate:contains('50 %')`,
        },
        {
            trigger: `${PANEL} .o_mailchimp_panel_click_rate:contains('25 %')`,
        },
        {
            content: "Click the contact's address",
            trigger: `${PANEL} a.o_mailchimp_panel_address:contains('jan@acme-panel.com')`,
            run: "click",
        },
        {
            content: "Mailchimp fails for it: the last known data with the time it is from",
            trigger: `${PANEL} .o_mailchimp_panel_message:contains('Mailchimp unreachable: shown as of')`,
        },
        {
            content: "The contact is in no audience; no campaigns, no activity",
            trigger: `${PANEL}:has(.o_mailchimp_panel_no_audience):not(:has(.o_mailchimp_panel_campaigns)):not(:has(.o_mailchimp_panel_activity))`,
        },
        {
            content: "Now it is the active tab",
            trigger: `${PANEL} .o_mailchimp_panel_address_active:contains('jan@acme-panel.com')`,
        },
        {
            content: "Back to the first address",
            trigger: `${PANEL} a.o_mailchimp_panel_address:contains('office@acme-panel.com')`,
            run: "click",
        },
        {
            content: "Its data, without the message",
            trigger: `${PANEL}:not(:has(.o_mailchimp_panel_message)) .o_mailchimp_panel_address_active:contains('office@acme-panel.com')`,
        },
        {
            content: "Read it again from Mailchimp",
            trigger: `${PANEL} .o_mailchimp_panel_refresh`,
            run: "click",
        },
        audienceStatus("Newsletter", "text-success", "Subscribed"),
        {
            content: "Open the subscription dialog",
            trigger: `${PANEL} .o_mailchimp_panel_subscriptions`,
            run: "click",
        },
        {
            content: "The boxes are the current state: Newsletter ticked",
            trigger: ".modal .form-check:contains('Newsletter') input:checked",
        },
        {
            content: "Events not ticked (unsubscribed)",
            trigger: ".modal .form-check:contains('Events') input:not(:checked)",
        },
        {
            content: "The cleaned address cannot be ticked",
            trigger: ".modal .form-check:contains('Old list') input:disabled",
        },
        {
            content: "Untick Partners",
            trigger: ".modal .form-check:contains('Partners') input:checked",
            run: "click",
        },
        {
            content: "Revert to the original values",
            trigger: ".modal .o_mailchimp_revert:enabled",
            run: "click",
        },
        {
            content: "Partners is ticked again, nothing to save",
            trigger: ".modal:has(.o_mailchimp_save:disabled) .form-check:contains('Partners') input:checked",
        },
        {
            content: "Tick Events",
            trigger: ".modal .form-check:contains('Events') input:not(:checked)",
            run: "click",
        },
        {
            content: "Save changes",
            trigger: ".modal .o_mailchimp_save:enabled",
            run: "click",
        },
        {
            content: "The dialog says the contact must confirm",
            trigger: ".modal .o_mailchimp_subscription_results:contains('Events'):contains('Waiting for confirmation: Mailchimp emailed office@acme-panel.com')",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .btn-link:contains('Close')",
            run: "click",
        },
        {
            content: "The panel shows Events waiting for confirmation",
            trigger: `body:not(:has(.modal)) ${PANEL} .o_mailchimp_panel_audience:contains('Events') .text-warning:contains('Waiting for confirmation')`,
        },
    ],
});
