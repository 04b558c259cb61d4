"""18.0.1.2.0: the hourly pull keeps its time in its own row (``mailchimp.audience.pull``).

Before, it was the audience's ``last_reconcile`` column, a row the sync run also
writes at its end; the value moves to the audience's pull row so that the first
pull after the update reads only the members changed since, as before.
"""
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not column_exists(cr, "mailchimp_audience", "last_reconcile"):
        return
    cr.execute("""
        INSERT INTO mailchimp_audience_pull (audience_id, last_pull, create_uid, create_date, write_uid, write_date)
        SELECT id, last_reconcile, write_uid, now() AT TIME ZONE 'UTC', write_uid, now() AT TIME ZONE 'UTC'
          FROM mailchimp_audience
         WHERE last_reconcile IS NOT NULL
        ON CONFLICT (audience_id) DO NOTHING
    """)
