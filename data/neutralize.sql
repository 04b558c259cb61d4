-- A duplicated database must not talk to the production Mailchimp account.
UPDATE mailchimp_account
   SET api_key = NULL, oauth_token = NULL, is_connected = FALSE;
-- Nor with the production SerwerSMS account.
UPDATE mailchimp_account
   SET sms_token = NULL, sms_password = NULL, sms_is_connected = FALSE;
-- Nor with the production Campaign Monitor client.
UPDATE mailchimp_account
   SET cm_api_key = NULL, cm_is_connected = FALSE;
-- Nor with the production Mailchimp app (OAuth).
UPDATE mailchimp_account
   SET oauth_client_secret = NULL, oauth_state_nonce = NULL, oauth_pending_client_secret = NULL;
