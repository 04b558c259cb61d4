"""18.0.1.3.0: every campaign's recipients known so far (those with an open, click or bounce), as rows.

The next campaign import reads who else received each sent campaign from Mailchimp's
sent-to report (its campaigns are not marked ``recipients_complete`` yet).
"""
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    campaigns = env["mailchimp.campaign"].search([("activity_ids", "!=", False)])
    env["mailchimp.campaign.recipient"]._refresh_activity(campaigns)
