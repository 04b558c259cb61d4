from . import mailchimp_credentials_wizard
from . import mailchimp_connect_wizard
from . import mailchimp_merge_field_wizard
from . import mailchimp_audience_create_wizard
from . import mailchimp_collection_campaign_wizard
from . import mailchimp_sms_connect_wizard
from . import mailchimp_cm_connect_wizard
from . import mailchimp_connect_wizard_oauth
