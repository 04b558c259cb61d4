from odoo import api, fields, models

# Read together when one of them is (an Odoo prefetch group), not with the audience's row every webhook delivery reads.
STATS = "mailchimp_audience_stats"


class MailchimpAudience(models.Model):
    """A Mailchimp audience (a "list" in the API), loaded from the account."""

    _name = "mailchimp.audience"
    _description = "Mailchimp audience"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    account_id = fields.Many2one("mailchimp.account", required=True, readonly=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    mailchimp_id = fields.Char(string="Mailchimp ID", required=True, readonly=True, copy=False, index=True)
    active = fields.Boolean(default=True, tracking=True)
    member_count = fields.Integer(string="Subscribed", readonly=True, prefetch=STATS)
    unsubscribe_count = fields.Integer(string="Unsubscribed", readonly=True, prefetch=STATS)
    cleaned_count = fields.Integer(string="Cleaned", readonly=True, prefetch=STATS)
    double_optin = fields.Boolean(string="Double opt-in", readonly=True,
                                  help="Mailchimp asks new subscribers to confirm by email (the audience's setting).")
    last_refresh = fields.Datetime(readonly=True, prefetch=STATS)

    _sql_constraints = [
        ("mailchimp_id_unique", "unique(account_id, mailchimp_id)", "This Mailchimp audience is already known."),
    ]

    def action_refresh_audiences(self):
        """Load the current company's audiences: create new ones, update known ones, archive vanished ones.

        A list-header button: it acts on the whole account, whatever records are selected.
        """
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.check_access("create")
        account = self.env["mailchimp.account"]._for_company(create=True)
        with backend._user_errors():
            lists = account._client().get_lists()
        audiences = self._upsert_from_lists(account, lists)
        return backend._notification(
            self.env._("1 audience loaded from Mailchimp.") if len(audiences) == 1
            else self.env._("%(count)s audiences loaded from Mailchimp.", count=len(audiences)),
            title=self.env._("Audiences refreshed"), reload=True,
        )

    @api.model
    def _upsert_from_lists(self, account, lists):
        known = {
            audience.mailchimp_id: audience
            for audience in self.with_context(active_test=False).search([("account_id", "=", account.id)])
        }
        now = fields.Datetime.now()
        seen = self.browse()
        for mailchimp_list in lists:
            values = self._values_from_list(mailchimp_list, now)
            audience = known.get(mailchimp_list["id"])
            if audience:
                audience.write(values)
            else:
                audience = self.create({**values, "account_id": account.id})
            seen |= audience
        (self.browse([a.id for a in known.values()]) - seen).filtered("active").write({"active": False})
        return seen

    @api.model
    def _values_from_list(self, mailchimp_list, refreshed_at):
        stats = mailchimp_list.get("stats") or {}
        return {
            "mailchimp_id": mailchimp_list["id"],
            "name": mailchimp_list.get("name") or mailchimp_list["id"],
            "member_count": stats.get("member_count", 0),
            "unsubscribe_count": stats.get("unsubscribe_count", 0),
            "cleaned_count": stats.get("cleaned_count", 0),
            "double_optin": bool(mailchimp_list.get("double_optin")),
            "active": True,
            "last_refresh": refreshed_at,
        }
