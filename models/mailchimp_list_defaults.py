"""Contact information and list defaults of an audience, shared by the account, audiences and the create dialog."""
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..mailchimp_sync.audience_defaults import (
    FIELDS,
    INVALID_EMAIL,
    MISSING,
    UNKNOWN_LANGUAGE,
    key_of_remote_field,
)

COUNTRY_KEY = "contact_country"
# Read together, and only by what needs them: not with the row of an audience that each webhook delivery reads.
LIST_DEFAULTS = "mailchimp_list_defaults"


class MailchimpListDefaults(models.AbstractModel):
    _name = "mailchimp.list.defaults"
    _description = "Mailchimp audience contact and defaults"

    contact_company = fields.Char(string="Contact company", prefetch=LIST_DEFAULTS)
    contact_address1 = fields.Char(string="Address", prefetch=LIST_DEFAULTS)
    contact_address2 = fields.Char(string="Address line 2", prefetch=LIST_DEFAULTS)
    contact_city = fields.Char(string="City", prefetch=LIST_DEFAULTS)
    contact_state = fields.Char(string="Contact state", prefetch=LIST_DEFAULTS)
    contact_zip = fields.Char(string="Zip", prefetch=LIST_DEFAULTS)
    contact_country_id = fields.Many2one("res.country", string="Country", prefetch=LIST_DEFAULTS)
    contact_phone = fields.Char(string="Phone", prefetch=LIST_DEFAULTS)
    campaign_from_name = fields.Char(string="From name", prefetch=LIST_DEFAULTS)
    campaign_from_email = fields.Char(string="From email", prefetch=LIST_DEFAULTS)
    campaign_subject = fields.Char(string="Subject", prefetch=LIST_DEFAULTS)
    campaign_language = fields.Char(string="Language", help="Mailchimp's language code, e.g. pl or en.",
                                    prefetch=LIST_DEFAULTS)
    permission_reminder = fields.Text(
        help="Reminds contacts why they get your emails, e.g. “You signed up on our website.”",
        prefetch=LIST_DEFAULTS)

    def _list_default_values(self):
        """The values as the core reads them (the country as its ISO code)."""
        self.ensure_one()
        values = {key: self[key] or "" for key in FIELDS if key != COUNTRY_KEY}
        values[COUNTRY_KEY] = self.contact_country_id.code or ""
        return values

    @api.model
    def _list_default_write_values(self, values):
        """Field values from the core's dict (an unknown country code leaves the country empty)."""
        result = {key: value or False for key, value in values.items() if key != COUNTRY_KEY}
        code = (values.get(COUNTRY_KEY) or "").upper()
        country = self.env["res.country"].search([("code", "=", code)], limit=1) if code else False
        result["contact_country_id"] = country.id if country else False
        return result

    @api.model
    def _list_default_labels(self, keys):
        """The form labels of ``keys`` (core keys: ``contact_country`` is the country field)."""
        labels = []
        for key in keys:
            name = "contact_country_id" if key == COUNTRY_KEY else key
            labels.append(self._fields[name]._description_string(self.env) if name in self._fields else key)
        return labels

    @api.model
    def _list_default_changes(self, vals):
        """The core's dict of the values ``vals`` (a ``write``'s) changes (the country as its ISO code)."""
        changes = {key: value or "" for key, value in vals.items() if key in FIELDS and key != COUNTRY_KEY}
        if "contact_country_id" in vals:
            changes[COUNTRY_KEY] = self.env["res.country"].browse(vals["contact_country_id"]).code or ""
        return changes

    @api.model
    def _raise_list_problems(self, found, intro):
        """Refuse with ``intro`` and one line per problem of the core's ``problems()``, named by form label."""
        if not found:
            return
        reasons = {
            MISSING: self.env._("required"),
            INVALID_EMAIL: self.env._("not a valid email address"),
            UNKNOWN_LANGUAGE: self.env._("not a language code Mailchimp knows (e.g. en, pl, de, fr, pt_PT)"),
        }
        lines = []
        for key, reason in found:
            label = self._list_default_labels([key])[0]
            lines.append(f"• {label}: {reasons[reason]}")
        raise UserError("\n".join([intro, *lines]))

    @api.model
    def _list_refusal_message(self, error):
        """Mailchimp's refusal of an audience's settings, one line per field it names, by form label."""
        lines = []
        for item in error.errors:
            key = key_of_remote_field(item["field"])
            label = self._list_default_labels([key])[0] if key else item["field"]
            lines.append(f"• {label}: {item['message']}" if label else f"• {item['message']}")
        return self.env._("Mailchimp refused the audience settings; nothing was changed:\n%(fields)s",
                          fields="\n".join(lines))
