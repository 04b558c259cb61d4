from . import mailchimp_merge_field_wizard
