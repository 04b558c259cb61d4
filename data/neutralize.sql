-- A duplicated database must not talk to the production Mailchimp account.
UPDATE mailchimp_account
   SET api_key = NULL, oauth_token = NULL, is_connected = FALSE;
-- Nor with the production SerwerSMS account.
UPDATE mailchimp_sms_account
   SET token = NULL, password = NULL, is_connected = FALSE;
-- Nor with the production Campaign Monitor client.
UPDATE mailchimp_cm_account
   SET api_key = NULL, is_connected = FALSE;
-- Nor with the production Mailchimp app (OAuth).
UPDATE mailchimp_account
   SET oauth_client_secret = NULL, oauth_state_nonce = NULL, oauth_pending_client_secret = NULL;
