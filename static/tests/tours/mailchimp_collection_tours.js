/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("mailchimp_sync_collection_campaign", {
    url: "/odoo/action-mailchimp_sync.mailchimp_collection_action",
    steps: () => [
        {
            content: "Open the collection",
            trigger: ".o_data_row td[name='name']:contains('TOUR-VIP')",
            run: "click",
        },
        {
            content: "Its segment holds the two customers synced",
            trigger: "div[name='mailchimp_count']:contains('2')",
        },
        {
            content: "Start a new campaign",
            trigger: "button[name='action_new_campaign']",
            run: "click",
        },
        {
            content: "Subject",
            trigger: ".modal div[name='subject'] input",
            run: "edit Autumn offer",
        },
        {
            content: "The sender comes from the audience's defaults",
            trigger: ".modal div[name='from_name'] input:value(Acme)",
        },
        {
            content: "Write the email in Odoo",
            trigger: ".modal .o_field_html[name='body_html'] .odoo-editor-editable div.o-paragraph",
            run: "editor Hello from the tour. Unsubscribe: *|UNSUB|* Our address: *|LIST:ADDRESSLINE|*",
        },
        {
            content: "Create the campaign in Mailchimp",
            trigger: ".modal button[name='action_create_campaign']",
            run: "click",
        },
        {
            content: "Press Send…",
            trigger: ".modal button[name='action_check']",
            run: "click",
        },
        {
            content: "Mailchimp's send checklist is shown: the footer is there, the campaign is ready",
            trigger: ".modal div[name='checklist_html']:contains('ready to send'):contains('Unsubscribe link is set')",
        },
        {
            content: "The dialog says who receives it and who is excluded",
            trigger: ".modal .o_mailchimp_check_summary:contains('1 of 2 will receive it, 1 excluded')",
        },
        {
            content: "The excluded are listed with the reason",
            trigger: ".modal div[name='excluded_html']:contains('tour.unticked@acme-example.com')",
        },
        {
            content: "Confirm and send",
            trigger: ".modal button[name='action_confirm']:visible",
            run: "click",
        },
        {
            content: "The send is queued: the dialog shows its progress",
            trigger: ".modal div[name='operation_state']:contains('Queued')",
        },
        {
            content: "and the button to see its outcome",
            trigger: ".modal button[name='action_refresh']",
        },
    ],
});
