"""Framework-free core of the mailchimp_sync add-on.

Nothing in this package imports ``odoo``, so it is tested with plain pytest in
milliseconds. The Odoo models read records, call this core and write the
results back. Its modules, one line each:

Talking to the services

* ``json_http``: the one JSON-over-HTTP client every API client builds on (pool, timeouts, retries, redaction).
* ``client``: the one Mailchimp Marketing API client.
* ``credentials``: Mailchimp credentials (API key or OAuth token, data centre, base URL).
* ``errors``: Mailchimp's errors, read from its problem documents as one sentence.
* ``oauth``: Mailchimp's OAuth2 flow (authorize URL, signed ``state``, token exchange, metadata).
* ``serwersms``: the SerwerSMS.pl client, its credentials and errors.
* ``campaign_monitor``: the Campaign Monitor client, its credentials and errors.
* ``client_cache``: the shared clients, one per key (database, model, record) and credentials, thread-safe.
* ``connections``: Mailchimp's 10 connections per key shared by the sync runs of several cron workers.

Shared vocabulary

* ``const``: member statuses, reason codes, webhook event types, limits.
* ``datatypes``: the data the Odoo layer hands in and the rules hand back.
* ``times``: Mailchimp's times read as UTC (aware, or naive for Odoo).

The sync rules (Odoo → Mailchimp)

* ``eligibility``: who is kept subscribed (the five rules), the address as Mailchimp gets it, and its identity.
* ``duplicates``: which customer owns an address several customers share.
* ``member_payload``: the one place that builds a member item (status, merge fields, interests, language).
* ``representatives``: a company's contacts rendered into merge tag columns.
* ``field_merges``: customer fields mapped to merge fields (types that fit, values sent).
* ``sync_plan``: what a run must do (push, re-subscribe, unsubscribe, archive, skip), and a dialog tick's status.
* ``mass_change``: the mass-change guard: when a run's removals are too many to make unasked, grouped by cause.
* ``batch_result``: a batch-subscribe answer read member by member.
* ``audience_defaults``: an audience's contact and campaign defaults for ``POST /lists``, and read back.
* ``collections``: a contact collection as a static segment (who is in it, batches to add and remove).
* ``gdpr``: consent records of subscription changes, and Mailchimp's "forgotten email" rule.

What comes back (Mailchimp / SMS → Odoo)

* ``webhooks``: a Mailchimp webhook POST body parsed into a typed event.
* ``webhook_types``: the typed events (webhook event, forwarded SMS sign-up).
* ``inbound``: a webhook event or a member read from the API as one change for Odoo to apply.
* ``sms_signup``: an SMS forwarded by SerwerSMS read into a sign-up (address, number, date).

Campaigns

* ``campaigns``: campaigns, reports, e-mail activity, recipients (sent-to) and unsubscribes as rows, and when
  to read them again.
* ``campaign_check``: the consent check before a marketing campaign goes to a segment, and schedule times.
* ``campaign_content``: an HTML body written in Odoo as Mailchimp gets it (merge tags intact, required footer).
* ``send_checklist``: Mailchimp's send checklist read into items (errors block the send), the footer tags.

Remote operations

* ``remote_operations``: the journal's rules: one open operation per target, refusal or unknown, the truth asked.

The customer's panel

* ``panel_providers``: what the panel asks of any provider (``PanelProvider``), its rows and status words.
* ``panel``: Mailchimp in the panel (addresses, statuses, campaigns, rates, the dialog's changes).
* ``campaign_monitor_panel``: Campaign Monitor in the panel.

SMS

* ``sms_groups``: an audience as a SerwerSMS contact group (names, numbers, live changes, sent contacts).
"""
