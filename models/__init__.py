from . import mailchimp_backend
from . import mailchimp_audience
from . import res_config_settings
