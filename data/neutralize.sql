-- A duplicated database must not talk to the production Mailchimp account.
UPDATE mailchimp_account
   SET api_key = NULL, oauth_token = NULL, is_connected = FALSE;
