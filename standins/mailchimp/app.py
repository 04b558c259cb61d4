"""Mailchimp Marketing API v3 endpoints on top of the :class:`~.store.Store`."""

from . import util
from .batches import Batches
from .messages import ApiResponse
from .routing import Router

router = Router()
route = router.route


NO_CONTENT = ApiResponse(204)


class Api:
    """Dispatches an :class:`ApiRequest` (path relative to ``/3.0``) to a handler."""

    def __init__(self, store):
        self.store = store
        self.batches = Batches(store, self.handle)

    def handle(self, request):
        handler, params = router.resolve(request.method, request.path)
        if request.method == "GET":
            with self.store.read():
                result = handler(self, request, **params)
        else:
            result = handler(self, request, **params)
        response = result if isinstance(result, ApiResponse) else ApiResponse(200, result)
        if isinstance(response.payload, dict):
            response.payload = util.filter_fields(response.payload, request.query)
        return response

    def document(self, render, *args):
        """Render a resource under the store lock (after a write released it)."""
        with self.store.read():
            return render(*args)

    def member_doc(self, list_id, member):
        return self.document(lambda: self.store.member_document(self.store.audience(list_id), member))

    # -- root ------------------------------------------------------------------

    @route("GET", "/ping")
    def ping(self, request):
        return {"health_status": "Everything's Chimpy!"}

    @route("GET", "/")
    def root(self, request):
        account = self.store.account
        total = sum(1 for a in self.store.audiences.values() for m in a.members.values()
                    if m.status == "subscribed")
        keys = ("account_id", "login_id", "account_name", "email", "first_name", "last_name",
                "username", "role", "member_since", "pricing_plan_type", "first_payment",
                "account_timezone", "account_industry")
        return {
            **{key: account.get(key, "") for key in keys},
            "avatar_url": "",
            "contact": dict(account["contact"]),
            "pro_enabled": account.get("pro_enabled", False),
            "last_login": util.iso(self.store.now()),
            "total_subscribers": total,
            "industry_stats": {"open_rate": 0.2, "bounce_rate": 0.01, "click_rate": 0.03},
            "_links": [self.store.link("self", "/")],
        }

    # -- lists -----------------------------------------------------------------

    @route("GET", "/lists")
    def get_lists(self, request):
        return self.store.lists_collection(request.query)

    @route("POST", "/lists")
    def create_list(self, request):
        audience = self.store.create_list(request.json())
        return self.document(self.store.list_document, audience)

    @route("GET", "/lists/{list_id}")
    def get_list(self, request, list_id):
        return self.store.list_document(self.store.audience(list_id))

    @route("PATCH", "/lists/{list_id}")
    def update_list(self, request, list_id):
        return self.document(self.store.list_document, self.store.update_list(list_id, request.json()))

    @route("DELETE", "/lists/{list_id}")
    def delete_list(self, request, list_id):
        self.store.delete_list(list_id)
        return NO_CONTENT

    @route("POST", "/lists/{list_id}")
    def batch_subscribe(self, request, list_id):
        return self.store.batch_subscribe(
            list_id, request.json(), request.flag("skip_merge_validation"),
            request.flag("skip_duplicate_check"))

    # -- members ---------------------------------------------------------------

    @route("GET", "/lists/{list_id}/members")
    def get_members(self, request, list_id):
        return self.store.members_collection(list_id, request.query)

    @route("POST", "/lists/{list_id}/members")
    def add_member(self, request, list_id):
        member = self.store.add_member(list_id, request.json(), request.flag("skip_merge_validation"))
        return self.member_doc(list_id, member)

    @route("GET", "/lists/{list_id}/members/{member}")
    def get_member(self, request, list_id, member):
        audience = self.store.audience(list_id)
        return self.store.member_document(audience, self.store.member(audience, member))

    @route("PUT", "/lists/{list_id}/members/{member}")
    def upsert_member(self, request, list_id, member):
        record = self.store.upsert_member(list_id, member, request.json(),
                                          request.flag("skip_merge_validation"))
        return self.member_doc(list_id, record)

    @route("PATCH", "/lists/{list_id}/members/{member}")
    def update_member(self, request, list_id, member):
        record = self.store.update_member(list_id, member, request.json(),
                                          request.flag("skip_merge_validation"))
        return self.member_doc(list_id, record)

    @route("DELETE", "/lists/{list_id}/members/{member}")
    def archive_member(self, request, list_id, member):
        self.store.archive_member(list_id, member)
        return NO_CONTENT

    @route("POST", "/lists/{list_id}/members/{member}/actions/delete-permanent")
    def delete_member_permanently(self, request, list_id, member):
        self.store.delete_member_permanently(list_id, member)
        return NO_CONTENT

    @route("GET", "/lists/{list_id}/members/{member}/tags")
    def get_member_tags(self, request, list_id, member):
        return self.store.member_tags(list_id, member, request.query)

    @route("POST", "/lists/{list_id}/members/{member}/tags")
    def update_member_tags(self, request, list_id, member):
        self.store.update_member_tags(list_id, member, request.json())
        return NO_CONTENT

    @route("GET", "/lists/{list_id}/members/{member}/activity")
    def get_member_activity(self, request, list_id, member):
        return self.store.member_activity(list_id, member, request.query)

    @route("GET", "/lists/{list_id}/members/{member}/activity-feed")
    def get_member_activity_feed(self, request, list_id, member):
        return self.store.member_activity_feed(list_id, member, request.query)

    # -- merge fields ----------------------------------------------------------

    @route("GET", "/lists/{list_id}/merge-fields")
    def get_merge_fields(self, request, list_id):
        return self.store.merge_fields_collection(list_id, request.query)

    @route("POST", "/lists/{list_id}/merge-fields")
    def add_merge_field(self, request, list_id):
        merge_field = self.store.add_merge_field(list_id, request.json())
        return self.document(self.store.merge_field_document, list_id, merge_field)

    @route("GET", "/lists/{list_id}/merge-fields/{merge_id}")
    def get_merge_field(self, request, list_id, merge_id):
        return self.store.merge_field_document(list_id, self.store.merge_field(list_id, merge_id))

    @route("PATCH", "/lists/{list_id}/merge-fields/{merge_id}")
    def update_merge_field(self, request, list_id, merge_id):
        merge_field = self.store.update_merge_field(list_id, merge_id, request.json())
        return self.document(self.store.merge_field_document, list_id, merge_field)

    @route("DELETE", "/lists/{list_id}/merge-fields/{merge_id}")
    def delete_merge_field(self, request, list_id, merge_id):
        self.store.delete_merge_field(list_id, merge_id)
        return NO_CONTENT

    # -- interest categories and interests -------------------------------------

    @route("GET", "/lists/{list_id}/interest-categories")
    def get_categories(self, request, list_id):
        return self.store.categories_collection(list_id, request.query)

    @route("POST", "/lists/{list_id}/interest-categories")
    def add_category(self, request, list_id):
        category = self.store.add_interest_category(list_id, request.json())
        return self.document(self.store.category_document, list_id, category)

    @route("GET", "/lists/{list_id}/interest-categories/{category_id}")
    def get_category(self, request, list_id, category_id):
        category = self.store.interest_category(list_id, category_id)
        return self.store.category_document(list_id, category)

    @route("PATCH", "/lists/{list_id}/interest-categories/{category_id}")
    def update_category(self, request, list_id, category_id):
        category = self.store.update_interest_category(list_id, category_id, request.json())
        return self.document(self.store.category_document, list_id, category)

    @route("DELETE", "/lists/{list_id}/interest-categories/{category_id}")
    def delete_category(self, request, list_id, category_id):
        self.store.delete_interest_category(list_id, category_id)
        return NO_CONTENT

    @route("GET", "/lists/{list_id}/interest-categories/{category_id}/interests")
    def get_interests(self, request, list_id, category_id):
        return self.store.interests_collection(list_id, category_id, request.query)

    @route("POST", "/lists/{list_id}/interest-categories/{category_id}/interests")
    def add_interest(self, request, list_id, category_id):
        interest = self.store.add_interest(list_id, category_id, request.json())
        return self.document(self.store.interest_document, list_id, interest)

    @route("GET", "/lists/{list_id}/interest-categories/{category_id}/interests/{interest_id}")
    def get_interest(self, request, list_id, category_id, interest_id):
        interest = self.store.interest(list_id, category_id, interest_id)
        return self.store.interest_document(list_id, interest)

    @route("PATCH", "/lists/{list_id}/interest-categories/{category_id}/interests/{interest_id}")
    def update_interest(self, request, list_id, category_id, interest_id):
        interest = self.store.update_interest(list_id, category_id, interest_id, request.json())
        return self.document(self.store.interest_document, list_id, interest)

    @route("DELETE", "/lists/{list_id}/interest-categories/{category_id}/interests/{interest_id}")
    def delete_interest(self, request, list_id, category_id, interest_id):
        self.store.delete_interest(list_id, category_id, interest_id)
        return NO_CONTENT

    # -- segments --------------------------------------------------------------

    @route("GET", "/lists/{list_id}/segments")
    def get_segments(self, request, list_id):
        return self.store.segments_collection(list_id, request.query)

    @route("POST", "/lists/{list_id}/segments")
    def create_segment(self, request, list_id):
        segment = self.store.create_segment(list_id, request.json())
        return self.document(self.store.segment_document, list_id, segment)

    @route("GET", "/lists/{list_id}/segments/{segment_id}")
    def get_segment(self, request, list_id, segment_id):
        return self.store.segment_document(list_id, self.store.segment(list_id, segment_id))

    @route("PATCH", "/lists/{list_id}/segments/{segment_id}")
    def update_segment(self, request, list_id, segment_id):
        segment = self.store.update_segment(list_id, segment_id, request.json())
        return self.document(self.store.segment_document, list_id, segment)

    @route("DELETE", "/lists/{list_id}/segments/{segment_id}")
    def delete_segment(self, request, list_id, segment_id):
        self.store.delete_segment(list_id, segment_id)
        return NO_CONTENT

    @route("POST", "/lists/{list_id}/segments/{segment_id}")
    def batch_segment_members(self, request, list_id, segment_id):
        return self.store.batch_segment_members(list_id, segment_id, request.json())

    @route("GET", "/lists/{list_id}/segments/{segment_id}/members")
    def get_segment_members(self, request, list_id, segment_id):
        return self.store.segment_members_collection(list_id, segment_id, request.query)

    @route("POST", "/lists/{list_id}/segments/{segment_id}/members")
    def add_segment_member(self, request, list_id, segment_id):
        member = self.store.add_segment_member(list_id, segment_id, request.json())
        return self.member_doc(list_id, member)

    @route("DELETE", "/lists/{list_id}/segments/{segment_id}/members/{member}")
    def remove_segment_member(self, request, list_id, segment_id, member):
        self.store.remove_segment_member(list_id, segment_id, member)
        return NO_CONTENT

    # -- webhooks --------------------------------------------------------------

    @route("GET", "/lists/{list_id}/webhooks")
    def get_webhooks(self, request, list_id):
        return self.store.webhooks_collection(list_id)

    @route("POST", "/lists/{list_id}/webhooks")
    def add_webhook(self, request, list_id):
        webhook = self.store.add_webhook(list_id, request.json())
        return self.document(self.store.webhook_document, list_id, webhook)

    @route("GET", "/lists/{list_id}/webhooks/{webhook_id}")
    def get_webhook(self, request, list_id, webhook_id):
        return self.store.webhook_document(list_id, self.store.webhook(list_id, webhook_id))

    @route("PATCH", "/lists/{list_id}/webhooks/{webhook_id}")
    def update_webhook(self, request, list_id, webhook_id):
        webhook = self.store.update_webhook(list_id, webhook_id, request.json())
        return self.document(self.store.webhook_document, list_id, webhook)

    @route("DELETE", "/lists/{list_id}/webhooks/{webhook_id}")
    def delete_webhook(self, request, list_id, webhook_id):
        self.store.delete_webhook(list_id, webhook_id)
        return NO_CONTENT

    # -- campaigns -------------------------------------------------------------

    @route("GET", "/campaigns")
    def get_campaigns(self, request):
        return self.store.campaigns_collection(request.query)

    @route("POST", "/campaigns")
    def create_campaign(self, request):
        campaign = self.store.create_campaign(request.json())
        return self.document(self.store.campaign_document, campaign)

    @route("GET", "/campaigns/{campaign_id}")
    def get_campaign(self, request, campaign_id):
        return self.store.campaign_document(self.store.campaign(campaign_id))

    @route("PATCH", "/campaigns/{campaign_id}")
    def update_campaign(self, request, campaign_id):
        campaign = self.store.update_campaign(campaign_id, request.json())
        return self.document(self.store.campaign_document, campaign)

    @route("DELETE", "/campaigns/{campaign_id}")
    def delete_campaign(self, request, campaign_id):
        self.store.delete_campaign(campaign_id)
        return NO_CONTENT

    @route("GET", "/campaigns/{campaign_id}/content")
    def get_campaign_content(self, request, campaign_id):
        return self.store.campaign_content_document(self.store.campaign(campaign_id))

    @route("PUT", "/campaigns/{campaign_id}/content")
    def set_campaign_content(self, request, campaign_id):
        campaign = self.store.set_campaign_content(campaign_id, request.json())
        return self.document(self.store.campaign_content_document, campaign)

    @route("GET", "/campaigns/{campaign_id}/send-checklist")
    def get_send_checklist(self, request, campaign_id):
        return self.store.send_checklist_document(campaign_id)

    @route("POST", "/campaigns/{campaign_id}/actions/test")
    def send_test_email(self, request, campaign_id):
        self.store.send_test_email(campaign_id, request.json())
        return NO_CONTENT

    @route("POST", "/campaigns/{campaign_id}/actions/replicate")
    def replicate_campaign(self, request, campaign_id):
        campaign = self.store.replicate_campaign(campaign_id)
        return self.document(self.store.campaign_document, campaign)

    @route("POST", "/campaigns/{campaign_id}/actions/send")
    def send_campaign(self, request, campaign_id):
        self.store.send_campaign(campaign_id)
        return NO_CONTENT

    @route("POST", "/campaigns/{campaign_id}/actions/schedule")
    def schedule_campaign(self, request, campaign_id):
        self.store.schedule_campaign(campaign_id, request.json())
        return NO_CONTENT

    @route("POST", "/campaigns/{campaign_id}/actions/unschedule")
    def unschedule_campaign(self, request, campaign_id):
        self.store.unschedule_campaign(campaign_id)
        return NO_CONTENT

    # -- reports ---------------------------------------------------------------

    @route("GET", "/reports")
    def get_reports(self, request):
        return self.store.reports_collection(request.query)

    @route("GET", "/reports/{campaign_id}")
    def get_report(self, request, campaign_id):
        return self.store.report_document(self.store.sent_campaign(campaign_id))

    @route("GET", "/reports/{campaign_id}/email-activity")
    def get_email_activity(self, request, campaign_id):
        return self.store.email_activity_collection(campaign_id, request.query)

    @route("GET", "/reports/{campaign_id}/email-activity/{member}")
    def get_member_email_activity(self, request, campaign_id, member):
        return self.store.member_email_activity(campaign_id, member, request.query)

    @route("GET", "/reports/{campaign_id}/sent-to")
    def get_sent_to(self, request, campaign_id):
        return self.store.sent_to_collection(campaign_id, request.query)

    @route("GET", "/reports/{campaign_id}/unsubscribed")
    def get_unsubscribed(self, request, campaign_id):
        return self.store.unsubscribed_collection(campaign_id, request.query)

    # -- batch operations ------------------------------------------------------

    @route("POST", "/batches")
    def start_batch(self, request):
        return self.batches.submit(request.json())

    @route("GET", "/batches")
    def get_batches(self, request):
        return self.batches.collection(request.query)

    @route("GET", "/batches/{batch_id}")
    def get_batch(self, request, batch_id):
        return self.batches.status(batch_id)

    @route("DELETE", "/batches/{batch_id}")
    def delete_batch(self, request, batch_id):
        self.batches.delete(batch_id)
        return NO_CONTENT
