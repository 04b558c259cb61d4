"""The paths outside the customer's own write that change member items, each marking the customers it touches
(dirty marks: ``mailchimp_sync_mark.py``): a tag's customers and group link, consents (marketing permissions),
``mail.blacklist``, and the partner merge wizard (which moves tags and members in SQL)."""
from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

TAG_FIELDS = frozenset({"partner_ids", "mailchimp_interest_id", "active"})


def _mark(env, partner_ids, need_sync=True):
    env["mailchimp.member"]._mark_dirty(list(partner_ids), need_sync=need_sync)


class ResPartnerCategory(models.Model):
    _inherit = "res.partner.category"

    @api.model_create_multi
    def create(self, vals_list):
        tags = super().create(vals_list)
        if any(vals.get("partner_ids") for vals in vals_list):
            _mark(self.env, tags._mailchimp_tagged_partner_ids())
        return tags

    def write(self, vals):
        """A tag's customers, its group link (per company) or its archiving change its customers' items."""
        if not TAG_FIELDS.intersection(vals):
            return super().write(vals)
        before = self._mailchimp_tagged_partner_ids()
        result = super().write(vals)
        _mark(self.env, before | self._mailchimp_tagged_partner_ids())
        return result

    def unlink(self):
        tagged = self._mailchimp_tagged_partner_ids()
        result = super().unlink()
        _mark(self.env, tagged)
        return result

    def _mailchimp_tagged_partner_ids(self):
        """The ids of the customers with one of these tags (in SQL: a tag may have many)."""
        if not self.ids:
            return set()
        relation = self.env["res.partner"]._fields["category_id"]
        self.env["res.partner"].flush_model(["category_id"])
        self.env.cr.execute(SQL("SELECT DISTINCT %s FROM %s WHERE %s = ANY(%s)",
                                SQL.identifier(relation.column1), SQL.identifier(relation.relation),
                                SQL.identifier(relation.column2), self.ids))
        return {row[0] for row in self.env.cr.fetchall()}


class MailchimpConsent(models.Model):
    _inherit = "mailchimp.consent"

    @api.model_create_multi
    def create(self, vals_list):
        """A consent changes the marketing permissions its customer's item sends in its audience (those the
        audience maps to a purpose), and nothing else: its customer is marked for that audience only (for
        every one when it names none)."""
        consents = super().create(vals_list)
        by_audience = defaultdict(set)
        for vals in vals_list:
            if vals.get("partner_id"):
                by_audience[vals.get("audience_id") or None].add(vals["partner_id"])
        for audience_id, partner_ids in by_audience.items():
            self.env["mailchimp.member"]._mark_dirty(list(partner_ids), need_sync=False, sharers=False,
                                                     audience_ids=[audience_id] if audience_id else None)
        return consents


class MailBlacklist(models.Model):
    _inherit = "mail.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        entries._mailchimp_mark_customers()
        return entries

    def write(self, vals):
        self._mailchimp_mark_customers()
        result = super().write(vals)
        self._mailchimp_mark_customers()
        return result

    def unlink(self):
        self._mailchimp_mark_customers()
        return super().unlink()

    @api.model
    def _mailchimp_add(self, email):
        """Odoo's ``_add`` (without a message) in one lookup: ``create`` looks for the address itself and gives
        the entry it finds instead of a duplicate; an archived one is unarchived."""
        entry = self.create({"email": email})
        if not entry.active:
            entry.action_unarchive()
        return entry

    def _mailchimp_mark_customers(self):
        """Mark the customers of these addresses (``is_blacklisted`` reads ``email_normalized``): the marks
        statement finds them (in a batch of deliveries, the one statement at its end)."""
        self.env["mailchimp.member"]._mark_dirty([], emails=self.sudo().mapped("email"),
                                                 need_sync=not self.env.context.get("mailchimp_from_remote"))


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The merge moves tags, members and consents to the kept customer in SQL: mark it (and the others,
        whose members may stay behind)."""
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        ids = partner_ids.ids if isinstance(partner_ids, models.BaseModel) else list(partner_ids)
        kept = self.env["res.partner"].browse([*ids, *(dst_partner.ids if dst_partner else [])]).exists()
        kept._mailchimp_mark_dirty()
        return result
