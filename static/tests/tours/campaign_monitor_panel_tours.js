/** @odoo-module **/

import { registry } from "@web/core/registry";

const MAILCHIMP = ".o_mailchimp_panel[data-provider='mailchimp']";
const CM = ".o_mailchimp_panel[data-provider='campaign_monitor']";

function listStatus(name, css, label) {
    return {
        content: `Campaign Monitor: ${name} ${label} in ${css}`,
        trigger: `${CM} .o_mailchimp_panel_audience:contains('${name}') .o_mailchimp_panel_status.${css}:contains('${label}')`,
    };
}

registry.category("web_tour.tours").add("mailchimp_sync_customer_panel_providers", {
    steps: () => [
        {
            content: "Open the Mailchimp tab of the customer",
            trigger: ".o_notebook a:contains('Mailchimp')",
            run: "click",
        },
        {
            content: "Mailchimp's section, as before",
            trigger: `${MAILCHIMP} .o_mailchimp_panel_audience:contains('Newsletter') .text-success:contains('Subscribed')`,
        },
        {
            content: "Campaign Monitor's section under it",
            trigger: `${MAILCHIMP} + ${CM} .o_mailchimp_panel_provider:contains('Campaign Monitor')`,
        },
        {
            trigger: `${CM} h6:contains('Lists')`,
        },
        listStatus("CM Newsletter", "text-success", "Subscribed (Active)"),
        listStatus("CM Offers", "text-danger", "Unsubscribed"),
        listStatus("CM Webinars", "text-warning", "Not confirmed"),
        listStatus("CM Partners", "text-muted", "Bounced"),
        listStatus("CM Old news", "text-muted", "Deleted"),
        {
            content: "A list without the address is not listed",
            trigger: `${CM}:not(:has(.o_mailchimp_panel_audience:contains('CM Jobs')))`,
        },
        {
            content: "The three latest campaigns from the history, newest first",
            trigger: `${CM} .o_mailchimp_panel_campaign:eq(0):contains('Winter sale') + .o_mailchimp_panel_campaign:contains('Autumn news') + .o_mailchimp_panel_campaign:contains('Summer news')`,
        },
        {
            content: "Winter sale was opened and clicked",
            trigger: `${CM} .o_mailchimp_panel_campaign:contains('Winter sale') .o_mailchimp_panel_clicked`,
        },
        {
            content: "Autumn news was opened, not clicked",
            trigger: `${CM} .o_mailchimp_panel_campaign:contains('Autumn news'):has(.o_mailchimp_panel_opened):not(:has(.o_mailchimp_panel_clicked))`,
        },
        {
            content: "The average rates",
            trigger: `${CM} .o_mailchimp_panel_open_rate:contains('50 %')`,
        },
        {
            trigger: `${CM} .o_mailchimp_panel_click_rate:contains('25 %')`,
        },
        {
            content: "The second address in Campaign Monitor's section",
            trigger: `${CM} a.o_mailchimp_panel_address:contains('sales@acme-panel.com')`,
            run: "click",
        },
        {
            content: "Campaign Monitor fails for it: what was known, with its time",
            trigger: `${CM} .o_mailchimp_panel_message:contains('Campaign Monitor unreachable: shown as of')`,
        },
        {
            content: "It is in no list: a subscribe link straight away, no campaigns, no activity",
            trigger: `${CM}:has(.o_mailchimp_panel_no_audience:contains('Not in any list') .o_mailchimp_panel_subscribe):not(:has(.o_mailchimp_panel_campaigns)):not(:has(.o_mailchimp_panel_activity))`,
        },
        {
            content: "Mailchimp's section stays on its own address",
            trigger: `${MAILCHIMP} .o_mailchimp_panel_address_active:contains('office@acme-panel.com')`,
        },
        {
            content: "Back to the first address",
            trigger: `${CM} a.o_mailchimp_panel_address:contains('office@acme-panel.com')`,
            run: "click",
        },
        {
            trigger: `${CM}:not(:has(.o_mailchimp_panel_message)) .o_mailchimp_panel_address_active:contains('office@acme-panel.com')`,
        },
        {
            content: "Open Campaign Monitor's subscription dialog",
            trigger: `${CM} .o_mailchimp_panel_subscriptions`,
            run: "click",
        },
        {
            content: "One box per list of the client, preloaded: the active list ticked",
            trigger: ".modal-title:contains('Campaign Monitor subscriptions of office@acme-panel.com')",
        },
        {
            trigger: ".modal .form-check:contains('CM Newsletter') input:checked",
        },
        {
            content: "The list it is not in is a box too",
            trigger: ".modal .form-check:contains('CM Jobs') input:not(:checked)",
        },
        {
            content: "A bounced address cannot be ticked",
            trigger: ".modal .form-check:contains('CM Partners') input:disabled",
        },
        {
            content: "Untick the unconfirmed list",
            trigger: ".modal .form-check:contains('CM Webinars') input:checked",
            run: "click",
        },
        {
            content: "Revert to the original values",
            trigger: ".modal .o_mailchimp_revert:enabled",
            run: "click",
        },
        {
            content: "Ticked again, nothing to save",
            trigger: ".modal:has(.o_mailchimp_save:disabled) .form-check:contains('CM Webinars') input:checked",
        },
        {
            content: "Tick the list it unsubscribed from",
            trigger: ".modal .form-check:contains('CM Offers') input:not(:checked)",
            run: "click",
        },
        {
            content: "Save changes",
            trigger: ".modal .o_mailchimp_save:enabled",
            run: "click",
        },
        {
            content: "The dialog says it was added back with Resubscribe",
            trigger: ".modal .o_mailchimp_subscription_results:contains('CM Offers'):contains('had been unsubscribed: added back with Resubscribe, now active')",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .btn-link:contains('Close')",
            run: "click",
        },
        {
            content: "The panel shows the list active again",
            trigger: `body:not(:has(.modal)) ${CM} .o_mailchimp_panel_audience:contains('CM Offers') .text-success:contains('Subscribed (Active)')`,
        },
    ],
});
