"""Framework-free core of the mailchimp_sync add-on.

Nothing in this package imports ``odoo``, so it is tested with plain pytest in
milliseconds. The Odoo models read records, call this core and write the
results back. What is here today:

* ``json_http``: the JSON-over-HTTP client every API client builds on
  (connection pool, timeouts, retries, secrets kept out of errors and logs);
* ``client``, ``credentials``, ``errors``: the Mailchimp API client;
* ``datatypes``: the data the Odoo layer hands in and the rules hand back;
* ``eligibility``, ``duplicates``, ``member_payload``, ``representatives``,
  ``sync_plan``, ``batch_result``: the sync rules, from "is this customer
  synced?" to reading Mailchimp's batch answer;
* ``const``: member statuses, reason codes and limits.

* ``serwersms``: the SerwerSMS.pl client (on ``json_http``), its credentials
  and errors; ``sms_groups``: the audience → SMS group rules (group names,
  numbers that can receive SMS, live changes, finding sent contacts).
"""
