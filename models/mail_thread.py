from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _notify_get_reply_to(self, default=None):
        """The reply-to of a note on no document in particular (how ``_message_log_batch`` asks) when the caller
        already knows it: OdooBot's notes of Mailchimp's changes (context ``mailchimp_note_reply_to``, see
        ``mailchimp.audience._log_notes``), so that a note does not read its company's row again."""
        kept = self.env.context.get("mailchimp_note_reply_to")
        if kept and not self:
            return {False: kept}
        return super()._notify_get_reply_to(default=default)
