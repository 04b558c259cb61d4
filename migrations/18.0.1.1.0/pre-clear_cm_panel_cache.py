"""18.0.1.1.0: the Campaign Monitor panel cache's rows now belong to a ``mailchimp.cm.account``.

Its rows pointed at ``mailchimp.account`` ids; they are only a cache (the panel
reads Campaign Monitor again), so they are dropped before the column's foreign
key changes table.
"""
from odoo.tools.sql import table_exists


def migrate(cr, version):
    if table_exists(cr, "mailchimp_cm_panel_cache"):
        cr.execute("DELETE FROM mailchimp_cm_panel_cache")
