/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The words each screen shows in the user's language, as i18n/<lang>.po translates them.
const WORDS = {
    pl: {
        connection: "Połączenie",
        syncNow: "Synchronizuj teraz",
        syncStarted: "Rozpoczęto synchronizację",
        subscription: "Subskrypcja Mailchimp",
        subscribed: "Zasubskrybowany",
        unsubscribed: "Wypisany",
    },
    el: {
        connection: "Σύνδεση",
        syncNow: "Συγχρονισμός τώρα",
        syncStarted: "Ο συγχρονισμός ξεκίνησε",
        subscription: "Συνδρομή Mailchimp",
        subscribed: "Εγγεγραμμένο",
        unsubscribed: "Διαγραμμένη συνδρομή",
    },
};

function settingsAndAudienceSteps(words) {
    return [
        {
            content: "The settings name the connection in the user's language",
            trigger: `#mailchimp_credentials:contains('${words.connection}')`,
        },
        ...stepUtils.goToAppSteps("mailchimp_sync.mailchimp_menu_root", "Open the Mailchimp app"),
        {
            content: "Open the audience",
            trigger: ".o_data_row td:contains('Acme Newsletter')",
            run: "click",
        },
        {
            content: "Press the translated Sync now",
            trigger: `button[name='action_sync_now']:contains('${words.syncNow}')`,
            run: "click",
        },
        {
            content: "The notification speaks the user's language",
            trigger: `.o_notification:contains('${words.syncStarted}')`,
        },
    ];
}

function panelSteps(words) {
    const panel = ".o_mailchimp_panel";
    return [
        {
            content: "Open the Mailchimp tab of the customer",
            trigger: ".o_notebook a:contains('Mailchimp')",
            run: "click",
        },
        {
            content: "The subscription box is labelled in the user's language",
            trigger: `.o_form_view label:contains('${words.subscription}')`,
        },
        {
            content: "The panel's statuses are the user's words",
            trigger: `${panel} .o_mailchimp_panel_audience:contains('Newsletter') .o_mailchimp_panel_status:contains('${words.subscribed}')`,
        },
        {
            trigger: `${panel} .o_mailchimp_panel_audience:contains('Events') .o_mailchimp_panel_status:contains('${words.unsubscribed}')`,
        },
    ];
}

for (const [lang, words] of Object.entries(WORDS)) {
    registry.category("web_tour.tours").add(`mailchimp_sync_settings_audience_${lang}`, {
        url: "/odoo/action-mailchimp_sync.mailchimp_settings_action",
        steps: () => settingsAndAudienceSteps(words),
    });
    registry.category("web_tour.tours").add(`mailchimp_sync_panel_${lang}`, {
        steps: () => panelSteps(words),
    });
}
