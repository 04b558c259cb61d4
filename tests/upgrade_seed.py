"""The data an upgrade must keep, put into a database made by the base revision (``tools/test``'s upgrade step).

``tools/test`` installs the module as it was at ``BASE_REVISION``, runs
:func:`seed` in ``odoo-bin shell`` with that code, then updates the module with
the current code and runs ``test_upgrade.TestUpgrade``, which reads
:data:`SEED` back. This file is plain Python: the base revision's code writes
the rows, so only fields that existed then are used here.
"""

BASE_REVISION = "79a3b90"

SEED = {
    "mailchimp": {"api_key": "0123456789abcdef0123456789abcdef-us6", "base_url": "http://127.0.0.1:9/3.0",
                  "is_connected": True, "mailchimp_account_name": "Upgrade Co",
                  "report_email": "reports@upgrade-example.com"},
    "sms": {"sms_auth_method": "login", "sms_username": "upgrade_user", "sms_password": "upgrade-password",
            "sms_base_url": "http://127.0.0.1:9/sms", "sms_is_connected": True, "sms_account_name": "upgrade_user"},
    "cm": {"cm_api_key": "upgrade-cm-key", "cm_client_id": "upgrade-cm-client", "cm_base_url": "http://127.0.0.1:9/cm",
           "cm_is_connected": True, "cm_client_name": "Upgrade CM client"},
    "audience": {"name": "Upgrade news", "mailchimp_id": "upgrade01", "last_reconcile": "2026-11-30 05:00:00"},
    "partner": {"name": "Upgrade Customer", "email": "upgrade.customer@upgrade-example.com"},
    "idn_partner": {"name": "Upgrade Munich", "email": " Upgrade@MÜNCHEN.de"},
    "two_address_partner": {"name": "Upgrade Two Addresses", "email": "not-an-address; second@upgrade-example.com"},
    "member": {"email": "upgrade.customer@upgrade-example.com", "status": "subscribed",
               "mailchimp_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"},
    "run": {"trigger": "manual", "state": "done"},
    "event": {"event_type": "subscribe", "event_key": "upgrade-event-1", "state": "done",
              "email": "upgrade.customer@upgrade-example.com", "raw": "type=subscribe"},
    "erased_audience": {"name": "Upgrade offers", "mailchimp_id": "upgrade02"},
    "erasure": {"state": "erased", "source": "erasure", "audience_names": "Upgrade news, Upgrade offers, Gone list"},
    "campaign": {"mailchimp_id": "upgradecmp1", "title": "Upgrade campaign", "status": "sent",
                 "send_time": "2026-11-20 09:00:00"},
    "activity": [("upgrade.customer@upgrade-example.com", "open", "2026-11-20 10:00:00"),
                 ("upgrade.customer@upgrade-example.com", "open", "2026-11-21 10:00:00"),
                 ("reader@upgrade-example.com", "bounce", "2026-11-20 09:05:00")],
}


def seed(env):
    """A connected Mailchimp, SerwerSMS and Campaign Monitor account, an audience with a member, a run, an event."""
    account = env["mailchimp.account"].sudo()._for_company()
    account.write({**SEED["mailchimp"], **SEED["sms"], **SEED["cm"]})
    audience = env["mailchimp.audience"].sudo().create({**SEED["audience"], "account_id": account.id})
    partner = env["res.partner"].create(SEED["partner"])
    env["res.partner"].create(SEED["idn_partner"])
    env["res.partner"].create(SEED["two_address_partner"])
    env["mailchimp.member"].sudo().create({**SEED["member"], "audience_id": audience.id, "partner_id": partner.id})
    env["mailchimp.sync.run"].sudo().create({**SEED["run"], "audience_id": audience.id})
    env["mailchimp.webhook.event"].sudo().create({**SEED["event"], "audience_id": audience.id,
                                                  "partner_id": partner.id})
    offers = env["mailchimp.audience"].sudo().create({**SEED["erased_audience"], "account_id": account.id})
    other_company = env["res.company"].create({"name": "Upgrade other company"})
    other_account = env["mailchimp.account"].sudo().with_company(other_company)._for_company(other_company)
    env["mailchimp.audience"].sudo().create({"name": "Upgrade news", "mailchimp_id": "upgrade03",
                                             "account_id": other_account.id})
    env["mailchimp.consent"].sudo().create({**SEED["erasure"], "partner_id": partner.id,
                                            "company_id": offers.company_id.id})
    campaign = env["mailchimp.campaign"].sudo().create({**SEED["campaign"], "audience_id": audience.id})
    env["mailchimp.campaign.activity"].sudo().create([
        {"campaign_id": campaign.id, "email": email, "email_normalized": email, "action": action, "timestamp": moment,
         "bounce_type": "hard" if action == "bounce" else False, "activity_key": f"upgrade-{n}",
         "partner_id": partner.id if email == SEED["partner"]["email"] else False}
        for n, (email, action, moment) in enumerate(SEED["activity"])])
    env.cr.commit()
    print("MCS_UPGRADE_SEEDED", account.id, audience.id)
