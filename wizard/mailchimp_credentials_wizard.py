from odoo import fields, models

from ..models import mailchimp_messages


class MailchimpCredentialsWizard(models.AbstractModel):
    """A dialog where a system administrator types credentials and presses "Verify": only what the service
    accepts is stored.

    The typed secret is verified as typed, never the stored one. After a refusal the
    dialog stays open with the service's own message and the typed secrets are wiped
    from the wizard, so a refused one is kept nowhere. Each service's dialog says which
    fields are secret, which errors mean "not even well-formed" and "refused", and how
    to verify and store its credentials (:meth:`_verify_and_store`).
    """

    _name = "mailchimp.credentials.wizard"
    _description = "Verify credentials before saving them"

    _secret_fields = ()
    _config_error = Exception  # the credentials are not well-formed: its message is shown as it is
    _refusal_error = Exception  # the service refused them: shown after _refusal_sentence

    account_id = fields.Many2one("mailchimp.account", required=True, ondelete="cascade")  # each service's own model
    error = fields.Text(readonly=True)

    def action_verify_and_save(self):
        self.ensure_one()
        backend = self.env["mailchimp.backend"]
        self.account_id._check_credentials_access()  # before any request: a remote call cannot be rolled back
        try:
            message = self._verify_and_store()
        except self._config_error as error:
            return self._show_error(mailchimp_messages.error_text(self.env, error))
        except self._refusal_error as error:
            return self._show_error(self._refusal_sentence(mailchimp_messages.error_text(self.env, error)))
        self.write({**self._wiped_secrets(), "error": False})
        return backend._notification(message, title=self._connected_title(), close=True)

    def _verify_and_store(self):
        """Verify the typed credentials with the service, store them on the account; the sentence to show."""
        raise NotImplementedError

    def _refusal_sentence(self, error):
        raise NotImplementedError

    def _connected_title(self):
        raise NotImplementedError

    def _wiped_secrets(self):
        return dict.fromkeys(self._secret_fields, False)

    def _show_error(self, message):
        """Keep the dialog open with the reason; the refused secrets are not kept."""
        self.write({**self._wiped_secrets(), "error": message})
        return {
            "type": "ir.actions.act_window",
            "name": self._description,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }
