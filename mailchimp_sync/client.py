"""The one Mailchimp client of the add-on.

Every call to the Mailchimp Marketing API v3 goes through
:meth:`MailchimpClient.request`. The transport (connection reuse, timeouts,
the pool bounded to Mailchimp's 10 connections per key, retries with
exponential backoff and jitter, secrets kept out of errors and logs) is
:class:`~.json_http.JsonHttpClient`'s; this module adds the endpoints and
reads Mailchimp's problem documents into :class:`MailchimpError`.

It talks HTTP with ``requests`` directly rather than through the official
``mailchimp-marketing`` SDK (3.0.80) because the SDK opens a new connection
per call, has no retries, returns error bodies as raw JSON strings, silently
returns a response for empty-bodied 4xx/5xx answers and rewrites the word
``server`` anywhere in the URL (api-facts 1.13). The SDK stays pinned for the
tests that check the stand-in against it.
"""
import logging

from .const import STATUS_ARCHIVED
from .errors import MailchimpConnectionError, MailchimpError, MailchimpRetryError
from .json_http import JsonHttpClient
from .member_payload import subscriber_hash
from .send_checklist import parse_checklist

_logger = logging.getLogger(__name__)

MAX_CONNECTIONS = 10
MAX_PAGE_SIZE = 1000


class MailchimpClient(JsonHttpClient):
    """A Mailchimp API session for one set of :class:`Credentials`.

    Keyword options (``timeout``, ``max_retries``, ``backoff_base``,
    ``backoff_cap``, ``sleep``) are :class:`~.json_http.JsonHttpClient`'s.
    """

    service = "Mailchimp"
    logger = _logger
    error_class = MailchimpError
    connection_error_class = MailchimpConnectionError
    retry_error_class = MailchimpRetryError

    def __init__(self, credentials, *, max_connections=MAX_CONNECTIONS, **options):
        self.credentials = credentials
        super().__init__(credentials.base_url, auth=credentials.basic_auth(), headers=credentials.auth_headers(),
                         secrets=credentials.secrets, max_connections=max_connections, **options)

    def error_from_response(self, response, body):
        """A non-2xx answer as :class:`MailchimpError`, from its problem document when it has one."""
        if response.status_code < 300:
            return None
        fallback = "" if body else (response.reason or f"HTTP {response.status_code}")
        return MailchimpError.from_problem(response.status_code, body, fallback_text=fallback,
                                           credential_kind=self.credentials.kind)

    # ------------------------------------------------------------- helpers

    def iter_collection(self, path, items_key, *, page_size=MAX_PAGE_SIZE, **params):
        """Yield every item of a paged collection (``count``/``offset``/``total_items``)."""
        offset = 0
        while True:
            page = self.request("GET", path, params={**params, "count": page_size, "offset": offset})
            items = page.get(items_key) or []
            yield from items
            offset += len(items)
            if not items or offset >= int(page.get("total_items") or 0):
                return

    # ---------------------------------------------------------- endpoints

    def ping(self):
        return self.request("GET", "ping")

    def get_account(self):
        return self.request("GET", "")

    def get_lists(self):
        return list(self.iter_collection("lists", "lists"))

    def get_list(self, list_id):
        return self.request("GET", f"lists/{list_id}")

    def create_list(self, body):
        return self.request("POST", "lists", json_body=body)

    def update_list(self, list_id, body):
        """``PATCH /lists/{id}`` with the whole settings (:func:`.audience_defaults.update_body`): idempotent."""
        return self.request("PATCH", f"lists/{list_id}", json_body=body)

    def get_member(self, list_id, email):
        return self.request("GET", f"lists/{list_id}/members/{subscriber_hash(email)}")

    def find_member(self, list_id, email, *, max_retries=None):
        """The member of ``email`` in the audience, or None when it is not one (404)."""
        try:
            return self.request("GET", f"lists/{list_id}/members/{subscriber_hash(email)}", max_retries=max_retries)
        except MailchimpError as error:
            if error.status == 404:
                return None
            raise

    def get_member_activity(self, list_id, email, *, max_retries=None):
        """The member's last 50 events (sent, open, click, bounce…), newest first, each with its campaign."""
        path = f"lists/{list_id}/members/{subscriber_hash(email)}/activity"
        return self.request("GET", path, max_retries=max_retries).get("activity") or []

    def iter_members(self, list_id, **params):
        return self.iter_collection(f"lists/{list_id}/members", "members", **params)

    def upsert_member(self, list_id, email, body):
        return self.request("PUT", f"lists/{list_id}/members/{subscriber_hash(email)}", json_body=body)

    def update_member(self, list_id, email, body):
        return self.request("PATCH", f"lists/{list_id}/members/{subscriber_hash(email)}", json_body=body)

    def archive_member(self, list_id, email):
        return self.request("DELETE", f"lists/{list_id}/members/{subscriber_hash(email)}")

    def delete_member_permanently(self, list_id, email):
        return self.request(
            "POST", f"lists/{list_id}/members/{subscriber_hash(email)}/actions/delete-permanent"
        )

    def batch_subscribe(self, list_id, members, *, update_existing=True, fields=None):
        """Batch upsert of at most 500 members; per-member errors come back in the body.

        ``fields`` narrows the answer to these (Mailchimp's partial response, e.g.
        :data:`.batch_result.OUTCOME_FIELDS`).
        """
        body = {"members": list(members), "update_existing": update_existing}
        return self.request("POST", f"lists/{list_id}", params={"fields": fields} if fields else None,
                            json_body=body, idempotent=True)

    def get_interest_categories(self, list_id):
        return list(self.iter_collection(f"lists/{list_id}/interest-categories", "categories"))

    def get_interests(self, list_id, category_id):
        return list(self.iter_collection(
            f"lists/{list_id}/interest-categories/{category_id}/interests", "interests"))

    def create_interest_category(self, list_id, body):
        return self.request("POST", f"lists/{list_id}/interest-categories", json_body=body)

    def create_interest(self, list_id, category_id, body):
        return self.request("POST", f"lists/{list_id}/interest-categories/{category_id}/interests", json_body=body)

    def get_webhooks(self, list_id):
        return self.request("GET", f"lists/{list_id}/webhooks").get("webhooks") or []

    def create_webhook(self, list_id, url, events, sources):
        """Register ``url``; Mailchimp GETs it first and refuses a URL it cannot reach (400)."""
        body = {"url": url, "events": dict(events), "sources": dict(sources)}
        return self.request("POST", f"lists/{list_id}/webhooks", json_body=body)

    def delete_webhook(self, list_id, webhook_id):
        return self.request("DELETE", f"lists/{list_id}/webhooks/{webhook_id}")

    def get_members_page(self, list_id, offset=0, count=MAX_PAGE_SIZE, **params):
        """One page of the audience's (non-archived) members, with ``total_items``.

        ``params`` narrow it (``status="subscribed"``, ``fields=…``).
        """
        return self.request("GET", f"lists/{list_id}/members", params={**params, "offset": offset, "count": count})

    def iter_members_changed_since(self, list_id, since=None):
        """Members changed since ``since`` (ISO 8601; None: all), then the archived ones.

        Mailchimp lists archived members only when asked for them (api-facts 1.5).
        """
        for status in (None, STATUS_ARCHIVED):
            yield from self.iter_members(list_id, since_last_changed=since, status=status)

    def get_merge_fields(self, list_id):
        return list(self.iter_collection(f"lists/{list_id}/merge-fields", "merge_fields"))

    def create_merge_field(self, list_id, body):
        return self.request("POST", f"lists/{list_id}/merge-fields", json_body=body)

    # ------------------------------------------------------------ static segments

    def create_static_segment(self, list_id, name):
        """An empty static segment (a tag) of the audience."""
        return self.request("POST", f"lists/{list_id}/segments", json_body={"name": name, "static_segment": []})

    def find_static_segment_named(self, list_id, name):
        """The audience's static segment (tag) named exactly ``name``, or None: tag names are unique per audience."""
        return next((segment for segment in self.iter_collection(f"lists/{list_id}/segments", "segments",
                                                                 type="static")
                     if segment.get("name") == name), None)

    def find_segment(self, list_id, segment_id):
        """The segment, or None when it was deleted in Mailchimp (404)."""
        try:
            return self.request("GET", f"lists/{list_id}/segments/{segment_id}")
        except MailchimpError as error:
            if error.status == 404:
                return None
            raise

    def iter_segment_members(self, list_id, segment_id):
        return self.iter_collection(f"lists/{list_id}/segments/{segment_id}/members", "members",
                                    fields="members.email_address,members.status,total_items")

    def batch_segment_members(self, list_id, segment_id, body):
        """Add and remove up to 500 addresses each; addresses not on the list come back in ``errors``."""
        return self.request("POST", f"lists/{list_id}/segments/{segment_id}", json_body=body, idempotent=True)


    # ----------------------------------------------------- campaigns, reports

    def iter_campaigns(self, list_id=None, **params):
        """Campaigns of the account (of one audience when ``list_id`` is given), a page of 1 000 at a time."""
        if list_id:
            params["list_id"] = list_id
        return self.iter_collection("campaigns", "campaigns", **params)

    def get_campaign(self, campaign_id):
        return self.request("GET", f"campaigns/{campaign_id}")

    def create_campaign(self, body):
        return self.request("POST", "campaigns", json_body=body)

    def update_campaign(self, campaign_id, body):
        """``PATCH /campaigns/{id}``: a draft's settings (subject, preview text, from name, reply-to, title)."""
        return self.request("PATCH", f"campaigns/{campaign_id}", json_body=body)

    def get_campaign_content(self, campaign_id):
        """The campaign's content as Mailchimp renders it: ``html``, ``plain_text``, ``archive_html``."""
        return self.request("GET", f"campaigns/{campaign_id}/content")

    def set_campaign_content(self, campaign_id, body):
        return self.request("PUT", f"campaigns/{campaign_id}/content", json_body=body)

    def replicate_campaign(self, campaign_id):
        """A copy of a saved or sent campaign, as a new draft (the copy's document); not retried: a plain POST."""
        return self.request("POST", f"campaigns/{campaign_id}/actions/replicate")
    def get_send_checklist(self, campaign_id):
        """Mailchimp's send checklist of the campaign, read (:func:`.send_checklist.parse_checklist`)."""
        return parse_checklist(self.request("GET", f"campaigns/{campaign_id}/send-checklist"))

    def send_test_email(self, campaign_id, emails, send_type="html"):
        return self.request("POST", f"campaigns/{campaign_id}/actions/test",
                            json_body={"test_emails": list(emails), "send_type": send_type})

    def send_campaign(self, campaign_id):
        return self.request("POST", f"campaigns/{campaign_id}/actions/send")

    def schedule_campaign(self, campaign_id, schedule_time):
        """Schedule at ``schedule_time`` (ISO 8601 UTC); Mailchimp takes quarter-hours only."""
        return self.request("POST", f"campaigns/{campaign_id}/actions/schedule",
                            json_body={"schedule_time": schedule_time})

    def unschedule_campaign(self, campaign_id):
        """Back to a draft (``save``); Mailchimp refuses (400) a campaign that is not scheduled."""
        return self.request("POST", f"campaigns/{campaign_id}/actions/unschedule")

    def get_campaign_report(self, campaign_id):
        return self.request("GET", f"reports/{campaign_id}")

    def iter_email_activity(self, campaign_id, since=None):
        """Per-recipient opens, clicks and bounces; with ``since`` (ISO 8601) only what happened from then on."""
        params = {"since": since} if since else {}
        return self.iter_collection(f"reports/{campaign_id}/email-activity", "emails", **params)

    def iter_sent_to(self, campaign_id, *, page_size=MAX_PAGE_SIZE):
        """Everyone the campaign was sent to, with the delivery (``sent``, ``hard``, ``soft``), a page at a time."""
        return self.iter_collection(f"reports/{campaign_id}/sent-to", "sent_to", page_size=page_size)

    def iter_unsubscribed(self, campaign_id, *, page_size=MAX_PAGE_SIZE):
        """The recipients who unsubscribed through the campaign, with when and why."""
        return self.iter_collection(f"reports/{campaign_id}/unsubscribed", "unsubscribes", page_size=page_size)
