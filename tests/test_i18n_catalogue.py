"""The catalogue and the code agree: every term Odoo extracts from the add-on is in ``i18n/mailchimp_sync.pot``
(regenerate it with ``tools/i18n_export``), and each language's file loads into Odoo."""
from pathlib import Path

import polib
import requests
from lxml import etree

from odoo.addons.mailchimp_sync.mailchimp_sync.campaign_monitor import (
    CampaignMonitorConfigError,
    CampaignMonitorCredentials,
)
from odoo.addons.mailchimp_sync.mailchimp_sync.errors import MailchimpError
from odoo.addons.mailchimp_sync.mailchimp_sync.json_http import JsonHttpClient
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

        account = env["mailchimp.account"].sudo()._for_company(create=True)
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

    def test_service_errors_are_worded_as_the_core_says_them_and_translated(self):
        """``mailchimp_messages.error_text`` says in English exactly what ``str(error)`` says (the core's sentence,
        kept for the logs), and in Polish the add-on's own words of it, the service's detail as it wrote it."""
        refusal = MailchimpError.from_problem(400, {
            "title": "Invalid Resource", "detail": "The resource submitted could not be validated.",
            "errors": [{"field": "status", "message": "Schema describes enum, NULL found instead"},
                       {"field": "LTV", "message": "Please enter a number"}]})
        client = JsonHttpClient("http://127.0.0.1:9")
        unreachable = client._connection_error(requests.ConnectionError("Connection refused"))
        errors = [
            refusal,
            MailchimpError.from_problem(401, {"title": "API Key Invalid", "detail": "Your API key may be invalid."},
                                        credential_kind="api_key"),
            MailchimpError.from_problem(404, {"title": "Resource Not Found", "detail": "The list does not exist."}),
            unreachable,
            client._connection_error(requests.ConnectTimeout("slow")),
            client._retries_exhausted(unreachable, 3),
        ]
        english = self.env(context={"lang": "en_US"})
        for error in errors:
            with self.subTest(error=str(error)):
                self.assertEqual(mailchimp_messages.error_text(english, error), str(error))
        po = {entry.msgid: entry.msgstr for entry in polib.pofile(str(ADDON / "i18n" / "pl.po"))}
        speak(self.env, self.env.user, "pl_PL")
        polish = mailchimp_messages.error_text(self.env(context={"lang": "pl_PL"}), refusal)
        self.assertIn(po["Mailchimp refused the data (error %(status)s)"] % {"status": 400}, polish)
        self.assertIn(po["no value for %(name)s"] % {"name": "status"}, polish)
        self.assertIn("LTV: Please enter a number", polish, "Mailchimp's words stay as it wrote them")
