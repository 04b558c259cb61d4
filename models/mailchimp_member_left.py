from odoo import fields, models
from odoo.tools.misc import format_date

from ..mailchimp_sync.const import STATUS_UNSUBSCRIBED
from ..mailchimp_sync.sync_plan import UNSUBSCRIBED_BY_ADMIN, UNSUBSCRIBED_BY_CONTACT, unsubscribed_by


class MailchimpMember(models.Model):
    """Who made a member leave, as Mailchimp tells it: the customer form says “…, by the contact”."""

    _inherit = "mailchimp.member"

    unsubscribe_reason = fields.Char(
        readonly=True, copy=False,
        help="Mailchimp's unsubscribe reason of the member, as last learned (“N/A (Unsubscribed by an admin)”, "
             "or the reason the contact gave).")

    def _mailchimp_left_state(self):
        """“Not synced: unsubscribed in Mailchimp on <date>, by the contact” (or by an admin); None when
        the member is not unsubscribed or Mailchimp did not say who did it."""
        self.ensure_one()
        if self.status != STATUS_UNSUBSCRIBED:
            return None
        who = unsubscribed_by(self.unsubscribe_reason)
        date = format_date(self.env, self.last_changed) if self.last_changed else self.env._("an unknown date")
        if who == UNSUBSCRIBED_BY_CONTACT:
            return self.env._("Not synced: unsubscribed in Mailchimp on %(date)s, by the contact; only the contact "
                              "can subscribe again", date=date)
        if who == UNSUBSCRIBED_BY_ADMIN:
            return self.env._("Not synced: unsubscribed in Mailchimp on %(date)s, by a Mailchimp admin; only the "
                              "contact can subscribe again", date=date)
        return None
