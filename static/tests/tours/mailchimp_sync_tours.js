/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const DEMO_KEY = "0123456789abcdef0123456789abcdef-us6";

function typeKeyAndVerify(key) {
    return [
        {
            content: `Type the API key ${key}`,
            trigger: ".modal div[name='api_key'] input",
            run: `edit ${key}`,
        },
        {
            content: "Press Verify and save",
            trigger: ".modal button[name='action_verify_and_save']",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("mailchimp_sync_verify_settings", {
    url: "/odoo/action-mailchimp_sync.mailchimp_settings_action",
    steps: () => [
        {
            content: "The account is not connected yet",
            trigger: "#mailchimp_credentials:contains('Not connected yet')",
        },
        {
            content: "Open the Connect dialog",
            trigger: "#mailchimp_credentials button[name='action_mailchimp_connect']:visible",
            run: "click",
        },
        ...typeKeyAndVerify("not-a-key"),
        {
            content: "A malformed key is explained, not sent",
            trigger: ".modal .alert-danger:contains('32 hexadecimal characters')",
        },
        ...typeKeyAndVerify("ffffffffffffffffffffffffffffffff-us6"),
        {
            content: "Mailchimp's refusal is shown in the dialog",
            trigger: ".modal .alert-danger:contains('Mailchimp did not accept the API key')",
        },
        {
            content: "The refused key is wiped from the dialog",
            trigger: ".modal div[name='api_key'] input",
            run() {
                if (this.anchor.value) {
                    throw new Error("The refused key is still in the dialog");
                }
            },
        },
        {
            content: "Give up: cancel the dialog",
            trigger: ".modal button:contains('Cancel')",
            run: "click",
        },
        {
            content: "Press the settings' Save (the page reloads)",
            trigger: ".o_form_button_save",
            run() {
                document.body.classList.add("o_mcs_before_save");
                this.anchor.click();
            },
        },
        {
            content: "After the reload: still not connected, nothing was stored",
            trigger: "body:not(.o_mcs_before_save) #mailchimp_credentials:contains('Not connected yet')",
        },
        {
            content: "Open the Connect dialog again",
            trigger: "#mailchimp_credentials button[name='action_mailchimp_connect']:visible",
            run: "click",
        },
        ...typeKeyAndVerify(DEMO_KEY),
        {
            content: "Mailchimp answered with the account name",
            trigger: ".o_notification:contains('API key saved and verified: Acme Demo')",
        },
        {
            content: "The settings say which account is connected",
            trigger: "#mailchimp_credentials:contains('Connected to'):contains('Acme Demo')",
        },
    ],
});

registry.category("web_tour.tours").add("mailchimp_sync_audiences", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("mailchimp_sync.mailchimp_menu_root", "Open the Mailchimp app"),
        {
            content: "Load the audiences from Mailchimp",
            trigger: ".o_list_button_add, button[name='action_refresh_audiences']",
            run: "click",
        },
        {
            content: "The account's audience is listed",
            trigger: ".o_data_row td:contains('Acme Newsletter')",
            run: "click",
        },
        {
            content: "Load its groups and merge fields",
            trigger: "button[name='action_refresh_schema']",
            run: "click",
        },
        {
            content: "The form is reloaded with its groups (only then may another tab be chosen)",
            trigger: ".o_field_one2many[name='interest_ids'] .o_data_row",
        },
        {
            content: "Its merge fields are shown",
            trigger: ".o_notebook a:contains('Merge fields')",
            run: "click",
        },
        {
            trigger: ".o_field_one2many[name='merge_field_ids'] td:contains('FNAME')",
        },
        {
            content: "Start a sync",
            trigger: "button[name='action_sync_now']",
            run: "click",
        },
        {
            content: "The sync was handed to the scheduled job",
            trigger: ".o_notification:contains('The sync has started')",
        },
    ],
});

registry.category("web_tour.tours").add("mailchimp_sync_partner_panel", {
    url: "/odoo/contacts",
    steps: () => [
        {
            content: "Search the customer",
            trigger: ".o_searchview_input",
            run: "edit Tour Customer",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open the customer",
            trigger: ".o_kanban_record:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Open the Mailchimp tab",
            trigger: ".o_notebook a:contains('Mailchimp')",
            run: "click",
        },
        {
            content: "The panel says why the customer is not synced",
            trigger: "div[name='mailchimp_sync_state']:contains('box is not ticked')",
        },
        {
            content: "Tick the subscription box",
            trigger: "div[name='mailchimp_subscribe'] input",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Now the customer goes to Mailchimp with the next sync",
            trigger: "div[name='mailchimp_sync_state']:contains('Waiting for the next sync')",
        },
        {
            content: "Back to the contacts",
            trigger: ".o_breadcrumb a:contains('Contacts')",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('Tour Customer')",
        },
    ],
});

registry.category("web_tour.tours").add("mailchimp_sync_reconnect_needed", {
    url: "/odoo/action-mailchimp_sync.mailchimp_settings_action",
    steps: () => [
        {
            content: "The settings say a reconnect is needed, in the user's words",
            trigger: "#mailchimp_credentials .o_mailchimp_reconnect:contains('Reconnect needed'):contains('OAuth token')",
        },
        {
            content: "No green “Connected” beside it",
            trigger: "#mailchimp_credentials:not(:has(.text-success:visible))",
        },
        {
            content: "Press Reconnect",
            trigger: "#mailchimp_credentials .o_mailchimp_reconnect button[name='action_mailchimp_connect']",
            run: "click",
        },
        {
            content: "The Connect dialog opens",
            trigger: ".modal button[name='action_verify_and_save'], .modal button[name='action_connect_oauth_app']",
        },
    ],
});
