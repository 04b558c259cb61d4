"""The customer's consent records, the box's changes as consent, and "Forget in Mailchimp" (right to erasure)."""
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import email_split

from ..mailchimp_sync.eligibility import email_key
from ..mailchimp_sync.errors import MailchimpError
from ..mailchimp_sync.gdpr import CONSENT_ERASED, SOURCE_ERASURE, SOURCE_USER
from ..mailchimp_sync.member_payload import subscriber_hash
from .mailchimp_inbound import REMOTE_CONTEXT


class ResPartner(models.Model):
    _inherit = "res.partner"

    mailchimp_consent_ids = fields.One2many("mailchimp.consent", "partner_id", string="Consent records")
    mailchimp_consent_count = fields.Integer(compute="_compute_mailchimp_consent_count")

    def _compute_mailchimp_consent_count(self):
        counts = dict(self.env["mailchimp.consent"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.mailchimp_consent_count = counts.get(partner, 0)

    def _mailchimp_record_box(self, state):
        """A user ticking or unticking the box gives or withdraws consent (a step of ``res.partner``'s
        write and create, see ``res_partner.py``): one record per audience the customer is in — one of
        its tags is linked to a group of it, or it is a member there — never for an audience it never joined."""
        rows = []
        for partner in self:
            mapping = partner.sudo().with_company(partner.company_id or self.env.company)  # per company
            audiences = (mapping.category_id.mailchimp_interest_id.filtered("active").audience_id
                         | partner.sudo().mailchimp_member_ids.audience_id)
            rows += [self.env["mailchimp.consent"]._row(partner, audience, state, SOURCE_USER)
                     for audience in audiences]
        self.env["mailchimp.consent"]._record_many(rows)

    def action_view_mailchimp_consents(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Consent records"),
            "res_model": "mailchimp.consent",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("partner_id", "=", self.id)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    # ------------------------------------------------------------ right to erasure

    def action_mailchimp_forget(self):
        """Button "Forget in Mailchimp": delete the person permanently from every audience of the account.

        Mailchimp / Manager only, checked before the first request (the erasure cannot be undone).
        Then Odoo forgets too: member bindings, campaign activity, webhook deliveries, the panel's
        cache and earlier consent records go; one "erased" record stays, without personal data.
        """
        self.ensure_one()
        self.env["mailchimp.backend"]._check_manager()
        self.check_access("write")
        account = self.env["mailchimp.account"]._for_company(self.company_id or self.env.company, create=True)
        emails = self._mailchimp_erasure_emails()
        if not emails:
            raise UserError(self.env._("%s has no email address: there is nothing to forget in Mailchimp.",
                                       self.display_name))
        audiences = self.env["mailchimp.audience"].sudo().with_context(active_test=False).search(
            [("account_id", "=", account.id)])
        with self.env["mailchimp.backend"]._user_errors():
            client = account._client()
        erased, failures = self._mailchimp_delete_permanently(client, audiences, emails)
        self._mailchimp_forget_locally(account, erased, emails)
        if failures:
            return self.env["mailchimp.backend"]._notification(
                self.env._("Not forgotten everywhere: %s. Press “Forget in Mailchimp” again to retry.",
                           "; ".join(failures)),
                kind="danger", title=self.env._("Forget in Mailchimp"), sticky=True, reload=True)
        return self.env["mailchimp.backend"]._notification(
            self.env._("Deleted permanently from Mailchimp (%(audiences)s) and forgotten in Odoo's Mailchimp data.",
                       audiences=", ".join(erased.mapped("name")) or self.env._("no audience had it")),
            title=self.env._("Forget in Mailchimp"), reload=True)

    def _mailchimp_erasure_emails(self):
        """The customer's addresses (its field may hold several) and those its member bindings have."""
        addresses = email_split(self.email or "") + self.sudo().with_context(
            active_test=False).mailchimp_member_ids.filtered("email").mapped("email")
        return list(dict.fromkeys(filter(None, (email_key(address) for address in addresses))))

    def _mailchimp_delete_permanently(self, client, audiences, emails):
        """``(audiences erased from, failure sentences)``; an address that is not a member (404) is fine."""
        erased, failures = self.env["mailchimp.audience"], []
        for audience in audiences:
            ok = True
            for email in emails:
                try:
                    client.delete_member_permanently(audience.mailchimp_id, email)
                except MailchimpError as error:
                    if error.status != 404:
                        failures.append(f"{audience.name}: {error}")
                        ok = False
            if ok:
                erased |= audience
        return erased, failures

    def _mailchimp_forget_locally(self, account, audiences, emails):
        """Remove what Odoo keeps about the addresses in ``audiences``; keep one anonymous "erased" record."""
        if not audiences:
            return
        hashes = [subscriber_hash(email) for email in emails]
        self.env["mailchimp.member"].sudo().search([
            ("audience_id", "in", audiences.ids), "|", ("partner_id", "=", self.id), ("mailchimp_id", "in", hashes),
        ]).unlink()
        self.env["mailchimp.campaign.activity"].sudo().search([
            ("company_id", "=", account.company_id.id), "|", ("partner_id", "=", self.id),
            ("email_normalized", "in", emails)]).unlink()
        self.env["mailchimp.webhook.event"].sudo().search([
            ("audience_id", "in", audiences.ids), "|", ("partner_id", "=", self.id), ("email", "in", emails)]).unlink()
        for email in emails:
            self.env["mailchimp.panel.cache"]._forget(account, email)
        Consent = self.env["mailchimp.consent"].sudo()
        Consent.search([("partner_id", "=", self.id), ("audience_id", "in", audiences.ids + [False])]).unlink()
        Consent.create({"partner_id": self.id, "state": CONSENT_ERASED, "source": SOURCE_ERASURE,
                        "user_id": self.env.uid, "company_id": account.company_id.id,
                        "audience_names": ", ".join(audiences.mapped("name"))})
        self.sudo().with_context(**REMOTE_CONTEXT).write({"mailchimp_subscribe": False})
        self.message_post(body=self.env._(
            "Forgotten in Mailchimp by %(user)s: deleted permanently from %(audiences)s.",
            user=self.env.user.name, audiences=", ".join(audiences.mapped("name"))))
