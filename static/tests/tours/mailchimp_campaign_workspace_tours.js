/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("mailchimp_sync_campaign_workspace", {
    url: "/odoo/action-mailchimp_sync.mailchimp_campaign_action",
    steps: () => [
        {
            content: "The list shows sent campaigns: drop that filter to see the drafts",
            trigger: ".o_searchview_facet:contains('Sent') .o_facet_remove",
            run: "click",
        },
        {
            content: "Reopen Monday's draft",
            trigger: ".o_data_row td[name='title']:contains('TOUR-MONDAY')",
            run: "click",
        },
        {
            content: "Its body, written in Odoo on Monday, is there",
            trigger: ".o_field_html[name='body_html']:contains('Hello from Monday')",
        },
        {
            content: "Change the subject",
            trigger: ".o_form_view div[name='subject'] input",
            run: "edit Tuesday offer",
        },
        {
            content: "Save it to Mailchimp",
            trigger: ".o_form_view button[name='action_save_to_mailchimp']",
            run: "click",
        },
        {
            content: "Mailchimp has the draft",
            trigger: ".o_notification:contains('The draft is saved in Mailchimp')",
        },
        {
            content: "Send a test",
            trigger: ".o_form_view button[name='action_send_test_dialog']",
            run: "click",
        },
        {
            content: "To me",
            trigger: ".modal div[name='test_emails'] input",
            run: "edit me@acme-example.com",
        },
        {
            content: "Send the test",
            trigger: ".modal button[name='action_send_test']",
            run: "click",
        },
        {
            content: "The test is queued",
            trigger: ".modal div[name='operation_state']:contains('Queued')",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-footer button:contains('Close')",
            run: "click",
        },
        {
            content: "Back on the form: press Send…",
            trigger: ".o_form_view:not(:has(.modal)) button[name='action_send_dialog']",
            run: "click",
        },
        {
            content: "Check who receives it",
            trigger: ".modal button[name='action_check']",
            run: "click",
        },
        {
            content: "The consent check excludes who unticked the box",
            trigger: ".modal .o_mailchimp_check_summary:contains('1 of 2 will receive it, 1 excluded')",
        },
        {
            content: "Confirm and send",
            trigger: ".modal button[name='action_confirm']:visible",
            run: "click",
        },
        {
            content: "The send is queued",
            trigger: ".modal div[name='operation_kind']:contains('Send campaign')",
        },
        {
            content: "and shows its progress",
            trigger: ".modal div[name='operation_state']:contains('Queued')",
        },
    ],
});
