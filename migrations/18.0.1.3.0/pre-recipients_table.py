"""18.0.1.3.0: a campaign's recipients become rows of their own (``mailchimp.campaign.recipient``).

Before, the model was a SQL view over the opens, clicks and bounces; Odoo cannot make a table
where a view of the same name stands, so the view goes before the update creates the table.
The post-migration (``post-fill_recipients.py``) fills it from the activity.
"""
from odoo.tools.sql import TableKind, table_kind


def migrate(cr, version):
    if table_kind(cr, "mailchimp_campaign_recipient") == TableKind.View:
        cr.execute("DROP VIEW mailchimp_campaign_recipient")
