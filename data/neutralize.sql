-- A duplicated database must not talk to the production Mailchimp account.
UPDATE ir_config_parameter
   SET value = ''
 WHERE key IN ('mailchimp_sync.api_key', 'mailchimp_sync.oauth_token');
