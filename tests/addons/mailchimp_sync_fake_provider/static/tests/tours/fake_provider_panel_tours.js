/** @odoo-module **/

import { registry } from "@web/core/registry";

const FAKE = ".o_mailchimp_panel[data-provider='fake_news']";

registry.category("web_tour.tours").add("mailchimp_sync_fake_provider_panel", {
    steps: () => [
        {
            content: "Open the Mailchimp tab of the customer",
            trigger: ".o_notebook a:contains('Mailchimp')",
            run: "click",
        },
        {
            content: "Fake News has its own section, with its own status words",
            trigger: `${FAKE} .o_mailchimp_panel_provider:contains('Fake News')`,
        },
        {
            trigger: `${FAKE} .o_mailchimp_panel_audience:contains('Weekly fakes') .o_mailchimp_panel_status:contains('Not reading')`,
        },
        {
            content: "Open its subscription dialog",
            trigger: `${FAKE} .o_mailchimp_panel_subscriptions`,
            run: "click",
        },
        {
            trigger: ".modal .form-check:contains('Weekly fakes'):contains('Not reading') input:not(:checked)",
            run: "click",
        },
        {
            content: "Save changes",
            trigger: ".modal .o_mailchimp_save:enabled",
            run: "click",
        },
        {
            content: "The dialog says it in Fake News's words",
            trigger: ".modal .o_mailchimp_subscription_results:contains('Weekly fakes: Reading')",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .btn-link:contains('Close')",
            run: "click",
        },
        {
            content: "The section shows the list read again",
            trigger: `${FAKE} .o_mailchimp_panel_audience:contains('Weekly fakes') .o_mailchimp_panel_status.text-success:contains('Reading')`,
        },
    ],
});
