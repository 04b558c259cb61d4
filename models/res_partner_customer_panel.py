"""The customer's panel serves every connected newsletter provider: a section each, the same questions.

The providers are the service backends (models inheriting ``mailchimp.backend``)
that name a panel section (``_panel_key``): each one says its section's name,
labels and status words (:meth:`~.mailchimp_backend.MailchimpBackend._panel_section`),
whether it is shown, its data and how its dialog's changes are applied. The
``mailchimp_panel`` widget first asks :meth:`customer_panel_providers` which
sections to show, then each section calls :meth:`customer_panel` and
:meth:`customer_panel_save` with its provider's key. A new provider is a new
backend model: neither this file nor the widget changes.

Rights as for the Mailchimp panel: Mailchimp users who may read the customer,
checked before the first remote request; saving also needs write access to
the customer and to the contact whose address it is.
"""
from odoo import models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _customer_panel_backends(self):
        """``{key: the current company's account}`` of every service with a panel section, in load order."""
        registry = self.env.registry
        backends = {}
        for name in registry.descendants(["mailchimp.backend"], "_inherit"):
            model = self.env[name]
            if not model._abstract and not model._transient and model._panel_key:
                backends[model._panel_key] = model._for_company()
        return backends

    def customer_panel_providers(self):
        """The sections of the panel: ``[{key, name, lists_label, empty_label, statuses, ...}]`` of those shown."""
        self.ensure_one()
        self._mailchimp_panel_check()
        return [backend._panel_section() for backend in self._customer_panel_backends().values()
                if backend._panel_shown()]

    def customer_panel(self, provider, email=None, refresh=False):
        """One provider's section: the customer's addresses and what the provider says of one."""
        self.ensure_one()
        return self._customer_panel_backend(provider)._panel_data(self, email=email, refresh=refresh)

    def customer_panel_save(self, provider, email, original, wanted):
        """**Save changes** of a provider's dialog: only the lists whose box differs from ``original``."""
        self.ensure_one()
        return self._customer_panel_backend(provider)._panel_apply(self, email, original, wanted)

    def _customer_panel_backend(self, provider):
        self._mailchimp_panel_check()
        backend = self._customer_panel_backends().get(provider)
        if backend is None:
            raise UserError(self.env._("Unknown newsletter provider: %s.", provider))
        return backend
