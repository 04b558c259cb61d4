"""18.0.1.1.0: SerwerSMS and Campaign Monitor credentials move off ``mailchimp.account`` to their own records.

Before, they were prefixed columns of ``mailchimp_account`` (``sms_*``, ``cm_*``);
now each service is a backend model of its own, one record per company
(``mailchimp.sms.account``, ``mailchimp.cm.account``). The old columns are still
there when this runs (Odoo drops them after the update): each company that had
a Mailchimp account gets its SerwerSMS and Campaign Monitor records, with the
values it had (empty ones stay empty, as ``_for_company`` would create them).
"""
from odoo.tools import SQL
from odoo.tools.sql import column_exists

# (new table, {new column: old column of mailchimp_account})
MOVES = [
    ("mailchimp_sms_account", {
        "auth_method": "sms_auth_method", "token": "sms_token", "username": "sms_username",
        "password": "sms_password", "base_url": "sms_base_url", "is_connected": "sms_is_connected",
        "account_name": "sms_account_name", "verified_date": "sms_verified_date",
    }),
    ("mailchimp_cm_account", {
        "api_key": "cm_api_key", "client_id": "cm_client_id", "base_url": "cm_base_url",
        "is_connected": "cm_is_connected", "client_name": "cm_client_name", "verified_date": "cm_verified_date",
    }),
]


def migrate(cr, version):
    for table, columns in MOVES:
        if not all(column_exists(cr, "mailchimp_account", old) for old in columns.values()):
            continue
        cr.execute(SQL(
            """INSERT INTO %(table)s (company_id, %(new)s, create_uid, create_date, write_uid, write_date)
               SELECT company_id, %(old)s, create_uid, create_date, write_uid, write_date
                 FROM mailchimp_account
               ON CONFLICT (company_id) DO NOTHING""",
            table=SQL.identifier(table),
            new=SQL(", ").join(SQL.identifier(name) for name in columns),
            old=SQL(", ").join(SQL.identifier(name) for name in columns.values()),
        ))
