"""The catalogue and the code agree: every term Odoo extracts from the add-on is in ``i18n/mailchimp_sync.pot``
(regenerate it with ``tools/i18n_export``), and each language's file loads into Odoo."""
from pathlib import Path

import polib
from lxml import etree

from odoo.addons.mailchimp_sync.mailchimp_sync.campaign_monitor import (
    CampaignMonitorConfigError,
    CampaignMonitorCredentials,
)
from odoo.addons.mailchimp_sync.models import mailchimp_messages
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

from .common import speak

ADDON = Path(__file__).resolve().parents[1]
CATALOGUE = ADDON / "i18n" / "mailchimp_sync.pot"


@tagged("post_install", "-at_install")
class TestCatalogue(TransactionCase):

    def demo_xmlids(self):
        """Demo records' terms are not the code's: the catalogue is exported without demo data."""
        ids = set()
        for name in self.env["ir.module.module"].get_module_info("mailchimp_sync").get("demo", []):
            for record in etree.parse(str(ADDON / name)).iter("record"):
                ids.add(record.get("id") if "." in record.get("id") else f"mailchimp_sync.{record.get('id')}")
        return ids

    def test_every_term_of_the_code_is_in_the_catalogue(self):
        catalogue = {entry.msgid for entry in polib.pofile(str(CATALOGUE))}
        demo = self.demo_xmlids()
        terms = {
            source for module, _type, _name, res_id, source, _value, _comments
            in TranslationModuleReader(self.env.cr, ["mailchimp_sync"])
            if module == "mailchimp_sync" and source and res_id not in demo
        }
        self.assertGreater(len(terms), len(catalogue) * 0.9, "the extraction found the add-on's terms")
        missing = sorted(terms - catalogue)
        self.assertEqual(missing, [], "terms of the code missing from i18n/mailchimp_sync.pot: run tools/i18n_export")

    def test_each_shipped_language_loads_and_translates_a_menu(self):
        for lang, expected in (("pl_PL", "pl"), ("el_GR", "el")):
            with self.subTest(lang=lang):
                speak(self.env, self.env.user, lang)
                po = {entry.msgid: entry.msgstr for entry in polib.pofile(str(ADDON / "i18n" / f"{expected}.po"))}
                menu = self.env.ref("mailchimp_sync.mailchimp_menu_audiences")
                translated = menu.with_context(lang=lang).name
                self.assertNotEqual(translated, menu.name)
                self.assertEqual(translated, po[menu.name])

    def test_the_cores_reasons_are_worded_in_the_users_language(self):
        """The core returns codes; the customer form's "Not synced" reason and a campaign's exclusion reason are
        worded in Polish for a Polish user, a Campaign Monitor credential error in Greek."""
        po = {entry.msgid: entry.msgstr for entry in polib.pofile(str(ADDON / "i18n" / "pl.po"))}
        speak(self.env, self.env.user, "pl_PL")
        env = self.env(context=dict(self.env.context, lang="pl_PL"))
        partner = env["res.partner"].create({"name": "Jan Bez Adresu", "mailchimp_subscribe": True})
        self.assertIn(po["Not synced: no email address"], partner.mailchimp_sync_state)
        self.assertNotIn("Not synced", partner.mailchimp_sync_state)

        account = env["mailchimp.account"].sudo()._for_company()
        audience = env["mailchimp.audience"].sudo().create(
            {"name": "Klienci", "mailchimp_id": "i18n01", "account_id": account.id})
        campaign = env["mailchimp.campaign"].sudo().create(
            {"mailchimp_id": "i18ncmp1", "title": "Oferta", "status": "sent", "audience_id": audience.id})
        exclusion = env["mailchimp.campaign.exclusion"].sudo().create({
            "campaign_id": campaign.id, "email": "jan@acme-example.com",
            "reason_codes": ["box_unticked", "not_subscribed"], "mailchimp_status": "unsubscribed"})
        self.assertEqual(exclusion.reason, "; ".join([
            po["No consent in Odoo: the Mailchimp subscription box is unticked"],
            po["Not subscribed in Mailchimp (status: %(status)s)"] % {"status": "unsubscribed"}]))

        greek = {entry.msgid: entry.msgstr for entry in polib.pofile(str(ADDON / "i18n" / "el.po"))}
        speak(self.env, self.env.user, "el_GR")
        with self.assertRaises(CampaignMonitorConfigError) as refused:
            CampaignMonitorCredentials.from_key("", "client")
        self.assertEqual(mailchimp_messages.error_text(self.env(context={"lang": "el_GR"}), refused.exception),
                         greek["The Campaign Monitor API key is empty."])
