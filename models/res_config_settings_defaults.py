from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    def action_mailchimp_audience_defaults(self):
        """Settings button: the company's audience defaults."""
        return self.env["mailchimp.account"]._for_company(create=True).action_open_audience_defaults()
