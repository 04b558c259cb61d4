from odoo import api, fields, models, tools
from odoo.exceptions import AccessError

from ..mailchimp_sync.duplicates import KEPT_AS_COMPANY, KEPT_AS_OLDEST, KEPT_ONLY_ELIGIBLE, explain_shared_address
from . import mailchimp_messages

ROLE_KEEPS = "keeps"
ROLE_HELD_BACK = "held_back"
ROLE_NOT_SYNCED = "not_synced"


class MailchimpDuplicate(models.Model):
    """Email addresses several customers share, one row per customer and company (a database view).

    A company's audiences sync its customers and those of no company, so an address is shared within a
    company when two of those customers have it (one email identity, ``res.partner.mailchimp_email_key``).
    Who keeps the Mailchimp member and why is the core's rule (:func:`explain_shared_address`), read by
    ``res.partner._mailchimp_address_sharers`` exactly as the customer form's "same email as …" reads it.
    """

    _name = "mailchimp.duplicate"
    _description = "Email address shared by several customers"
    _auto = False
    _order = "company_id, email_key, partner_id"
    _rec_name = "email_key"

    company_id = fields.Many2one("res.company", readonly=True)
    email_key = fields.Char(string="Email address", readonly=True,
                            help="The address as Mailchimp identifies it (lower-cased, ASCII domain).")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    partner_email = fields.Char(related="partner_id.email", string="Email as written")
    partner_is_company = fields.Boolean(related="partner_id.is_company", string="Is a company")
    sharer_count = fields.Integer(string="Customers sharing it", readonly=True)
    role = fields.Selection([
        (ROLE_KEEPS, "Keeps the member"),
        (ROLE_HELD_BACK, "Held back"),
        (ROLE_NOT_SYNCED, "Not synced"),
    ], string="In Mailchimp", compute="_compute_decision")
    kept_partner_id = fields.Many2one("res.partner", string="Member kept by", compute="_compute_decision")
    explanation = fields.Char(string="Why", compute="_compute_decision")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                WITH shared_keys AS (
                    SELECT mailchimp_email_key AS email_key FROM res_partner
                     WHERE active AND mailchimp_email_key IS NOT NULL
                     GROUP BY mailchimp_email_key HAVING count(*) > 1
                ), sharers AS (
                    SELECT company.id AS company_id, partner.mailchimp_email_key AS email_key,
                           partner.id AS partner_id,
                           count(*) OVER (PARTITION BY company.id, partner.mailchimp_email_key) AS sharer_count
                      FROM shared_keys
                      JOIN res_partner partner ON partner.mailchimp_email_key = shared_keys.email_key
                      JOIN res_company company ON partner.company_id IS NULL OR partner.company_id = company.id
                     WHERE partner.active
                )
                SELECT row_number() OVER (ORDER BY company_id, email_key, partner_id) AS id,
                       company_id, email_key, partner_id, sharer_count
                  FROM sharers
                 WHERE sharer_count > 1
            )""")

    @api.depends("company_id", "email_key", "partner_id")
    def _compute_decision(self):
        keys_by_company = {}
        for row in self:
            keys_by_company.setdefault(row.company_id, set()).add(row.email_key)
        decisions = {}
        Partner = self.env["res.partner"]
        for company, keys in keys_by_company.items():
            for key, sharers in Partner._mailchimp_address_sharers(keys, company).items():
                decisions[company.id, key] = explain_shared_address(key, sharers)
        for row in self:
            decision = decisions.get((row.company_id.id, row.email_key))
            partner_id = row.partner_id.id
            row.kept_partner_id = decision and decision.kept_partner_id
            if decision is None or partner_id in decision.not_eligible or decision.kept_partner_id is None:
                row.role = ROLE_NOT_SYNCED
                reasons = decision.not_eligible.get(partner_id, ()) if decision else ()
                row.explanation = mailchimp_messages.not_synced(self.env, reasons)
            elif partner_id == decision.kept_partner_id:
                row.role = ROLE_KEEPS
                row.explanation = row._keeper_explanation(decision.reason)
            else:
                row.role = ROLE_HELD_BACK
                row.explanation = self.env._("Not synced: same email as %s",
                                             self.env["res.partner"].browse(decision.kept_partner_id).display_name)

    def _keeper_explanation(self, reason):
        return {
            KEPT_AS_COMPANY: self.env._("A company keeps a shared address over individual contacts"),
            KEPT_AS_OLDEST: self.env._("The oldest of the customers that could keep it"),
            KEPT_ONLY_ELIGIBLE: self.env._("The only customer sharing it that can be synced"),
        }[reason]

    def action_merge_contacts(self):
        """Odoo's merge of contacts, opened with the customers sharing this row's address in its company;
        the one keeping the Mailchimp member is preset as the contact that remains."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_partner_manager"):
            raise AccessError(self.env._("Merging contacts is for users who may create and edit contacts."))
        partners = self.search([("company_id", "=", self.company_id.id),
                                ("email_key", "=", self.email_key)]).partner_id
        wizard = self.env["base.partner.merge.automatic.wizard"].with_context(
            active_model="res.partner", active_ids=partners.ids).create({})
        if self.kept_partner_id in partners:
            wizard.dst_partner_id = self.kept_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge contacts"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
