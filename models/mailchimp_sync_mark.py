"""Dirty marks: which customers of which audience may have a changed member item.

A sync run reads only the customers marked for its audience (and the members
waiting for a retry, ``need_sync``), not every candidate: a run costs what
changed, not what exists. Every path that can change a member item marks the
customers it touches (see ``res_partner.py``, ``res_partner_category.py``,
``mail_blacklist.py``, ``mailchimp_consent.py``, the partner merge wizard); a
change of the audience's schema or mappings makes the next run a full one
(``mailchimp.audience.sync_schema_hash``).

Marks are plain rows, never updated: a change inserts a row, a run deletes the
rows it read (by id) once the customer's work is done. A change made while the
run works inserts a new row, which the run did not read and does not delete, so
the next run sees it. Inserts are set-based (one statement per write, whatever
its size) and never wait on a run.

Modules that change customers in SQL mark them with
``env["mailchimp.member"]._mark_dirty(partner_ids)``; the weekly full audit
(``mailchimp.audience._cron_audit``) finds what a mark missed.
"""
from odoo import api, fields, models
from odoo.tools import SQL


class MailchimpSyncMark(models.Model):
    _name = "mailchimp.sync.mark"
    _description = "Mailchimp dirty mark (customer to check in the next run)"
    _log_access = False

    audience_id = fields.Many2one("mailchimp.audience", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)

    def init(self):
        self.env.cr.execute("""CREATE INDEX IF NOT EXISTS mailchimp_sync_mark_audience_partner_idx
                                   ON mailchimp_sync_mark (audience_id, partner_id)""")


class MailchimpMember(models.Model):
    _inherit = "mailchimp.member"

    @api.model
    def _mark_dirty(self, partner_ids, email_keys=(), need_sync=True, flush=True):
        """Mark customers for the next run of every audience (the documented way for SQL writes).

        Also marked: the customers sharing their address (who keeps a shared address may change) and
        those sharing one of ``email_keys`` (their addresses before the change). ``need_sync`` also shows
        their members as waiting on the partner form. One INSERT, whatever the number of customers.
        """
        partner_ids = [partner_id for partner_id in partner_ids if isinstance(partner_id, int)]
        if not partner_ids:
            return
        if flush:
            self.env["res.partner"].flush_model(["mailchimp_email_key"])
        self.env.cr.execute(SQL(
            """WITH own AS (SELECT id, mailchimp_email_key FROM res_partner WHERE id = ANY(%s)),
                    marked AS (
                        SELECT id FROM own
                         UNION
                        SELECT other.id FROM res_partner other
                         WHERE other.mailchimp_email_key IN (
                                   SELECT mailchimp_email_key FROM own WHERE mailchimp_email_key IS NOT NULL
                                    UNION SELECT unnest(%s::varchar[])))
               INSERT INTO mailchimp_sync_mark (audience_id, partner_id)
               SELECT audience.id, marked.id FROM mailchimp_audience audience, marked""",
            partner_ids, [key for key in email_keys if key],
        ))
        if need_sync:
            self.flush_model(["need_sync"])
            self.env.cr.execute(SQL(
                "UPDATE mailchimp_member SET need_sync = TRUE WHERE partner_id = ANY(%s) AND need_sync IS NOT TRUE",
                partner_ids))
            self.invalidate_model(["need_sync"])
            self.env["res.partner"].invalidate_model(["mailchimp_sync_state"])
