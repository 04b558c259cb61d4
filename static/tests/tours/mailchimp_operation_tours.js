/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("mailchimp_sync_remote_operations", {
    steps: () => [
        {
            content: "A scheduled campaign offers Unschedule",
            trigger: ".o_form_view button[name='action_unschedule']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The notification says it is queued and where to follow it",
            trigger: ".o_notification:contains('Unscheduling the campaign is queued'):contains('Remote operations')",
        },
        {
            content: "The form shows the operation's progress",
            trigger: ".o_form_view .alert-info:contains('Unschedule campaign: Queued')",
        },
        {
            content: "And offers no second Unschedule while it is under way",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='action_unschedule']))",
        },
        {
            content: "Its Operations tab lists it",
            trigger: ".o_notebook a:contains('Operations')",
            run: "click",
        },
        {
            content: "with who asked it and its state",
            trigger: ".o_field_widget[name='operation_ids'] .o_data_row:contains('Queued')",
        },
    ],
});
