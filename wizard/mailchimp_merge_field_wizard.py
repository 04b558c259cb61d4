from odoo import fields, models

from ..mailchimp_sync.const import DEFAULT_TEXT_SIZE


class MailchimpMergeFieldWizard(models.TransientModel):
    """Creates a text merge field in the audience, for a representatives column."""

    _name = "mailchimp.merge.field.wizard"
    _description = "Create a Mailchimp merge field"

    audience_id = fields.Many2one("mailchimp.audience", required=True)
    tag = fields.Char(string="Merge tag", required=True)
    name = fields.Char(string="Label", required=True)
    size = fields.Integer(default=DEFAULT_TEXT_SIZE, required=True)

    def action_create(self):
        """Create the merge field in Mailchimp; the representative fields using the tag are then complete."""
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        backend._check_manager()
        self.audience_id.check_access("write")
        body = {"tag": self.tag.strip().upper(), "name": self.name, "type": "text",
                "options": {"size": self.size}}
        with backend._user_errors():
            client = self.audience_id._client()
            client.create_merge_field(self.audience_id.mailchimp_id, body)
            self.audience_id._refresh_merge_fields(client)
        return backend._notification(
            self.env._("Merge tag %(tag)s created in %(audience)s.", tag=body["tag"], audience=self.audience_id.name),
            close=True)
