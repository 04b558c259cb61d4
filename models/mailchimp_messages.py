"""The words of the codes the core returns, in the user's language: the one place that maps them.

The core (:mod:`..mailchimp_sync`) says what happened with a code and its
parameters, never with an English sentence shown to users: why a customer is
not synced (``const.REASONS``), why the GDPR check excludes a member
(``campaign_check``), why a collection leaves a customer out, why a member has
no SMS contact, why a schedule time is refused, what went wrong in the OAuth
flow, why credentials are unusable (``ServiceError.reason``) and what a
Campaign Monitor change of the panel tells. Here each code gets its sentence,
marked with ``_lt`` so that Odoo's export finds it, and rendered with
``env._`` in the language of the user who reads it.

The reasons a customer is not synced are also the labels of a selection
(:data:`SKIP_REASON_SELECTION`, on members and run lines): Odoo translates
selection labels itself, so they are read from the field, translated.
Errors a service answered (its ``detail``) stay as the service wrote them.
"""
from odoo.tools.translate import LazyTranslate

from ..mailchimp_sync import (
    campaign_check,
    campaign_monitor,
    collections,
    credentials,
    errors,
    json_http,
    oauth,
    serwersms,
    sms_groups,
)
from ..mailchimp_sync.campaign_monitor_panel import NOTICE_LOCKED, NOTICE_RESUBSCRIBED, NOTICE_UNCONFIRMED
from ..mailchimp_sync.const import (
    ARCHIVED,
    BLACKLISTED,
    DUPLICATE_EMAIL,
    INVALID_EMAIL,
    LEFT_IN_MAILCHIMP,
    NO_EMAIL,
    NO_MAPPED_GROUP,
    NOT_OPTED_IN,
)

_lt = LazyTranslate(__name__)

SEPARATOR = "; "

SKIP_REASON_SELECTION = [
    (NO_MAPPED_GROUP, "Not synced: none of its tags is linked to a Mailchimp group"),
    (NOT_OPTED_IN, "Not synced: the Mailchimp subscription box is not ticked"),
    (NO_EMAIL, "Not synced: no email address"),
    (INVALID_EMAIL, "Not synced: no valid email address"),
    (ARCHIVED, "Not synced: the contact is archived"),
    (BLACKLISTED, "Not synced: email blacklisted in Odoo"),
    (LEFT_IN_MAILCHIMP,
     "Not synced: unsubscribed, cleaned or archived in Mailchimp; only the contact can subscribe again"),
    (DUPLICATE_EMAIL, "Not synced: another customer with the same email is synced instead"),
]

EXCLUSIONS = {
    campaign_check.NO_CUSTOMER: _lt("Not a customer of the collection in Odoo"),
    campaign_check.BOX_UNTICKED: _lt("No consent in Odoo: the Mailchimp subscription box is unticked"),
    campaign_check.BLACKLISTED: _lt("No consent in Odoo: the address is blacklisted"),
    campaign_check.WITHDRAWN: _lt("No consent in Odoo: the consent was withdrawn"),
    campaign_check.NOT_SUBSCRIBED: _lt("Not subscribed in Mailchimp (status: %(status)s)"),
}
NOT_A_MEMBER = _lt("not a member")

SCHEDULE_PROBLEMS = {
    campaign_check.SCHEDULE_IN_PAST: _lt("The schedule time must be in the future."),
    campaign_check.SCHEDULE_NOT_QUARTER_HOUR: _lt(
        "Mailchimp schedules campaigns on the quarter-hour only (:00, :15, :30 or :45)."),
}

LEFT_OUT = {
    collections.NOT_SUBSCRIBED: _lt("Left out: not subscribed in Mailchimp (status: %(status)s)"),
    collections.NOT_A_MEMBER: _lt("Left out: not a member of the audience in Mailchimp yet"),
}

SMS_REASONS = {
    sms_groups.NO_PHONE: _lt("No phone number (neither the PHONE field nor the customer's mobile or phone)"),
    sms_groups.INVALID_PHONE: _lt("Not a valid phone number"),
    sms_groups.NOT_MOBILE: _lt("A landline or service number: it cannot receive SMS"),
}

OAUTH = {
    oauth.STATE_INVALID: _lt("The answer from Mailchimp carries no valid state: start again from the settings."),
    oauth.STATE_MISMATCH: _lt(
        "The answer from Mailchimp does not belong to this session (state mismatch): nothing was stored. "
        "Start again from the settings, in the same browser."),
    oauth.STATE_EXPIRED: _lt(
        "The connection took too long (more than %(minutes)s minutes): start again from the settings."),
    oauth.ACCESS_DENIED: _lt("Access was denied in Mailchimp: Odoo was not connected and nothing was stored."),
    oauth.REFUSED: _lt("Mailchimp refused the connection (%(error)s%(description)s): nothing was stored."),
    oauth.NO_CODE: _lt("Mailchimp's answer has no authorization code: nothing was stored. Start again."),
    # Mailchimp's OAuth error codes (the error's title)
    "invalid_grant": _lt("The authorization code is wrong, expired or already used. Start again from the settings."),
    "invalid_client": _lt("Mailchimp did not accept the client ID or client secret. Check them in the settings."),
    "invalid_token": _lt("The access token was revoked in Mailchimp."),
}

CONFIGURATION_ERRORS = {
    json_http.BASE_URL_NOT_HTTP: _lt("The %(service)s base URL must start with http:// or https://."),
    credentials.API_KEY_MISSING: _lt(
        "The Mailchimp API key is missing: expected 32 hexadecimal characters, a dash and the data centre, "
        "like 5f3e…9a1c-us6."),
    credentials.API_KEY_MALFORMED: _lt(
        "The Mailchimp API key is malformed: expected 32 hexadecimal characters, a dash and the data centre, "
        "like 5f3e…9a1c-us6."),
    credentials.TOKEN_EMPTY: _lt("The Mailchimp OAuth access token is empty."),
    credentials.DC_MALFORMED: _lt("The Mailchimp data centre of the OAuth token is malformed: expected e.g. us6."),
    serwersms.TOKEN_EMPTY: _lt("The SerwerSMS API token is empty."),
    serwersms.TOKEN_HAS_BLANKS: _lt("The SerwerSMS API token has blanks in it: paste it again as the panel shows it."),
    serwersms.LOGIN_INCOMPLETE: _lt("The SerwerSMS API user needs a user name and a password."),
    campaign_monitor.API_KEY_EMPTY: _lt("The Campaign Monitor API key is empty."),
    campaign_monitor.CLIENT_ID_EMPTY: _lt("The Campaign Monitor client ID is empty."),
    campaign_monitor.KEY_HAS_BLANKS: _lt(
        "The Campaign Monitor API key or client ID has blanks or slashes in it: copy them again from "
        "Account settings → API keys."),
}

CAMPAIGN_MONITOR_NOTICES = {
    NOTICE_LOCKED: _lt("%(email)s bounced: Campaign Monitor sends nothing to it, only the contact can sign up again."),
    NOTICE_RESUBSCRIBED: _lt("%(email)s had been %(previous)s: added back with Resubscribe, now %(status)s."),
    NOTICE_UNCONFIRMED: _lt("Waiting for confirmation: Campaign Monitor emailed %(email)s, who must confirm."),
}
NOT_IN_THE_LIST = _lt("not in the list")
# Mailchimp's "forgotten email" rule (``gdpr.explain_forgotten``), for an address the panel could not subscribe.
FORGOTTEN = _lt("%(email)s was permanently deleted from Mailchimp (right to erasure), and Mailchimp never lets "
                "anyone add it again: only the person can sign up again, through one of the audience's sign-up "
                "forms.")

# Where a change of a member came from, as a chatter note names it (the ``source`` words of
# ``mailchimp.audience._apply_remote_changes``; product names stay as they are).
INBOUND_ORIGINS = {
    "webhook": _lt("webhook"),
    "import": _lt("import"),
}


CONNECTION_ERRORS = {
    json_http.CONNECT_TIMEOUT: _lt("%(error_service)s error (Connection Failed): %(service)s could not be reached "
                                   "at %(url)s within %(seconds)s seconds."),
    json_http.READ_TIMEOUT: _lt("%(error_service)s error (Connection Failed): %(service)s did not answer within "
                                "%(seconds)s seconds."),
    json_http.UNREACHABLE: _lt("%(error_service)s error (Connection Failed): %(service)s could not be reached at "
                               "%(url)s: %(cause)s"),
}
GAVE_UP = _lt("Gave up after %(count)s attempts.")
GAVE_UP_ONCE = _lt("Gave up after 1 attempt.")

# A service's answer: "<service> error <status> (<title>): <detail>" (the title and detail are the service's).
ERROR_HEADS = {
    (True, True): _lt("%(service)s error %(status)s (%(title)s)"),
    (True, False): _lt("%(service)s error %(status)s"),
    (False, True): _lt("%(service)s error (%(title)s)"),
    (False, False): _lt("%(service)s error"),
}
CODED_ERROR = _lt("%(service)s error %(code)s: %(detail)s")

CREDENTIAL_REFUSALS = {
    "api_key": _lt("Mailchimp did not accept the API key (error 401): create a new key in Mailchimp (Profile → "
                   "Extras → API keys) and connect again in Settings → Mailchimp."),
    "oauth": _lt("Mailchimp did not accept the OAuth token (error 401): it was revoked, has expired or is for "
                 "another data centre."),
}
REFUSED_DATA = _lt("Mailchimp refused the data")
REFUSED_DATA_STATUS = _lt("Mailchimp refused the data (error %(status)s)")
NO_REASON = _lt("no reason given")
THE_REQUEST = _lt("the request")
SCHEMA_ADVICE = _lt("this comes from Odoo's request, not from your data: send this message to your administrator "
                    "(it is a fault to report to the add-on's maintainer)")
DATA_ADVICE = _lt("correct the value in Odoo and sync again")
FIELD_PROBLEMS = {
    errors.FIELD_TOO_MANY: _lt("%(name)s has more than %(most)s items"),
    errors.FIELD_NO_VALUE: _lt("no value for %(name)s"),
    errors.FIELD_NOT_IN_FORM: _lt("%(name)s is not in a form Mailchimp accepts (%(expected)s)"),
    errors.FIELD_NOT_A_VALUE: _lt("%(found)s is not a value Mailchimp accepts for %(name)s"),
    errors.FIELD_WRONG_TYPE: _lt("%(name)s is not in a form Mailchimp accepts (%(expected)s expected, "
                                 "%(found)s sent)"),
}


def say(env, text, **params):
    """``text`` (an ``_lt`` term) in the language of ``env``, with its ``%(name)s`` parameters filled."""
    translated = env._(text)
    return translated % params if params else translated


def skip_reasons(env):
    """``{code: sentence}`` of the reasons a customer is not synced, translated (the selection's labels)."""
    return dict(env["mailchimp.member"]._fields["skip_reason"]._description_selection(env))


def not_synced(env, codes, words=None):
    """The sentence of eligibility reason ``codes`` (several joined by “; ”); ``words``: :func:`skip_reasons`,
    when the caller words many customers."""
    words = words if words is not None else skip_reasons(env)
    return SEPARATOR.join(words.get(code, code) for code in codes)


def exclusion(env, codes, status=None):
    """Why the GDPR check excluded a member: its reason ``codes``, ``status`` its Mailchimp status (None: not a
    member). A code this module does not know (a sentence stored before codes) is shown as it is."""
    return SEPARATOR.join(
        say(env, EXCLUSIONS[code], **({"status": status or env._(NOT_A_MEMBER)}
                                      if code == campaign_check.NOT_SUBSCRIBED else {}))
        if code in EXCLUSIONS else code for code in codes)


def left_out(env, codes, status=None, words=None):
    """Why a collection left a customer out: eligibility codes, or a collection's own (with the status)."""
    words = words if words is not None else skip_reasons(env)
    return SEPARATOR.join(say(env, LEFT_OUT[code], **({"status": status} if code == collections.NOT_SUBSCRIBED
                                                       else {}))
                          if code in LEFT_OUT else words.get(code, code) for code in codes)


def sms_reason(env, code):
    return say(env, SMS_REASONS[code]) if code in SMS_REASONS else code


def schedule_problem(env, code):
    return say(env, SCHEDULE_PROBLEMS[code])


def oauth_error(env, error):
    """An :class:`~..mailchimp_sync.oauth.OAuthError`, or a ``MailchimpError`` of the token endpoint, in words."""
    if isinstance(error, oauth.OAuthError):
        params = dict(error.params)
        if error.code == oauth.REFUSED:
            params["description"] = f": {params['description']}" if params.get("description") else ""
        return say(env, OAUTH[error.code], **params)
    if getattr(error, "title", None) in oauth.OAUTH_ERRORS:
        return say(env, OAUTH[error.title])
    return error_text(env, error)


def error_text(env, error):
    """What to show a user of an error: the core's sentence (``str(error)``, English) in the user's language.

    A configuration or connection error is worded from its ``reason``; a service's answer from its parts
    (the service's own title and detail kept as it wrote them); a retry error as its last failure and the
    attempts made. An error raised with a message of its own (already in words) is shown as it is.
    """
    reason = getattr(error, "reason", None)
    if reason in CONFIGURATION_ERRORS:
        return say(env, CONFIGURATION_ERRORS[reason], **error.params)
    if reason in CONNECTION_ERRORS:  # the error's service names the head, the client's the detail
        return say(env, CONNECTION_ERRORS[reason], error_service=error.service, **error.params)
    failure = getattr(error, "failure", None)
    if isinstance(error, json_http.ServiceRetryError) and failure is not None:
        gave_up = say(env, GAVE_UP_ONCE) if error.attempts == 1 else say(env, GAVE_UP, count=error.attempts)
        return f"{error_text(env, failure)} {gave_up}"
    if not isinstance(error, json_http.ServiceError) or not error.rendered:
        return str(error)
    return _answer_text(env, error)


def _answer_text(env, error):
    """A service's answer (:meth:`~..mailchimp_sync.json_http.ServiceError._render`), in words."""
    if isinstance(error, errors.MailchimpError):
        if error.status == 401 and error.credential_kind in CREDENTIAL_REFUSALS:
            return say(env, CREDENTIAL_REFUSALS[error.credential_kind])
        if error.errors:
            return _refusal_text(env, error)
    if isinstance(error, json_http.CodedServiceError) and error.code is not None:
        return json_http.end_sentence(say(env, CODED_ERROR, service=error.service, code=error.code_label(),
                                          detail=error.detail))
    head = say(env, ERROR_HEADS[bool(error.status), bool(error.title)], service=error.service,
               status=error.status, title=error.title)
    return json_http.end_sentence(f"{head}: {error.detail}" if error.detail else head)


def _refusal_text(env, error):
    """:func:`~..mailchimp_sync.errors.refusal_sentence` in words."""
    detail, problems, schema = errors.refusal_parts(
        error.detail, [(field_error["field"], field_error["message"]) for field_error in error.errors])
    words = "; ".join(_field_problem_text(env, kind, params) for kind, params in problems)
    about = f"{detail} ({words})" if detail and words else detail or words or say(env, NO_REASON)
    head = say(env, REFUSED_DATA_STATUS, status=error.status) if error.status else say(env, REFUSED_DATA)
    advice = say(env, SCHEMA_ADVICE if schema else DATA_ADVICE)
    return json_http.end_sentence(f"{head}: {about}; {advice}")


def _field_problem_text(env, kind, params):
    if kind == errors.FIELD_MESSAGE:
        field, message = params["field"], params["message"]
        return f"{field}: {message}" if field else message or say(env, NO_REASON)
    return say(env, FIELD_PROBLEMS[kind], **{**params, "name": params["name"] or say(env, THE_REQUEST)})


def inbound_origin(env, source):
    return say(env, INBOUND_ORIGINS[source]) if source in INBOUND_ORIGINS else source


def campaign_monitor_result(env, result, email):
    """A Campaign Monitor change's result (``apply_changes``) with its notice in words (message or error)."""
    notice = result.get("notice")
    if notice not in CAMPAIGN_MONITOR_NOTICES:
        return result
    text = say(env, CAMPAIGN_MONITOR_NOTICES[notice], email=email, previous=(result.get("previous") or "").lower(),
               status=(result.get("status") or env._(NOT_IN_THE_LIST)).lower())
    return {**result, **({"error": text} if notice == NOTICE_LOCKED else {"message": text})}
