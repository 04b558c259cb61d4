"""Mailchimp's webhooks and forwarded SMS sign-ups come in here.

Each endpoint checks the audience's secret (constant time, the same for an
unknown audience) before reading anything, lets the core parse the body, stores
the delivery and applies it. Bad input gets a short reason and a 4xx; a failure
while applying is stored on the event and retried by a cron, and the answer is
still 200: never a 500, never a half-written change.
"""
from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import MissingError
from odoo.http import request

from ..mailchimp_sync.const import MAX_WEBHOOK_BYTES
from ..mailchimp_sync.sms_signup import parse_sms_signup
from ..mailchimp_sync.webhooks import (
    WebhookError,
    check_content_type,
    check_size,
    is_validation_ping,
    secret_matches,
)

REPLACEMENT_CHARACTER = "\ufffd"  # what the form parser put where the bytes were not UTF-8


class MailchimpInboundController(http.Controller):
    @http.route(["/mailchimp/webhook/<int:audience_id>/<string:secret>"], type="http", auth="public",
                methods=["GET", "POST"], csrf=False, save_session=False)
    def mailchimp_webhook(self, audience_id, secret, **_form):
        audience = self._audience(audience_id, secret)
        if audience is None:
            return self._answer("forbidden", 403)
        try:
            check_size(request.httprequest.content_length)
            if request.httprequest.method == "POST":
                check_content_type(request.httprequest.headers.get("Content-Type"))
            body = self._form_body()
            if is_validation_ping(request.httprequest.method, body):
                return self._answer("OK")
            event = request.env["mailchimp.webhook.event"]._receive_webhook(audience, body, own_transaction=True)
        except WebhookError as error:
            return self._answer(error.reason, error.status)
        return self._answer("OK" if event.state != "failed" else "stored, will be retried")

    @http.route(["/mailchimp/sms/<int:audience_id>/<string:secret>",
                 "/mailchimp/sms/<int:audience_id>/<string:secret>/<sms_text:message>"], type="http",
                auth="public", methods=["GET", "POST"], csrf=False, save_session=False)
    def mailchimp_sms(self, audience_id, secret, message=None, **params):
        """A forwarded SMS sign-up; one refused is kept too, with its reason, on the audience its URL names."""
        delivery = {"message": params.get("message") or message, "phone": params.get("phone"),
                    "date": params.get("date")}
        Event = request.env["mailchimp.webhook.event"]
        audience = self._audience(audience_id, secret)
        if audience is None or not audience.accept_sms_signups:
            named = request.env["mailchimp.audience"].sudo().browse(audience_id).exists()
            if named:
                Event._refuse_sms(named, delivery, request.env._("SMS sign-ups are off for this audience")
                                  if audience else request.env._("wrong secret in the URL"))
            return self._answer("forbidden", 403)
        try:
            check_size(request.httprequest.content_length)
            parse_sms_signup(**delivery)
        except WebhookError as error:  # SmsSignupError too
            Event._refuse_sms(audience, delivery, error.reason)
            return self._answer(error.reason, error.status)
        event = Event._receive_sms(audience, delivery)
        if event.state == "failed":
            return self._answer("stored, will be retried")
        return self._answer("OK" if event.state != "refused" else event.outcome)

    @staticmethod
    def _audience(audience_id, secret):
        """The audience whose secret is ``secret``, or None (same work whether it exists or not): one query,
        reading its row (what the delivery then reads of it is in the cache)."""
        audience = request.env["mailchimp.audience"].sudo().browse(audience_id)
        try:
            expected = audience.webhook_secret
        except MissingError:
            audience, expected = None, None
        return audience if secret_matches(expected, secret) and audience else None

    @staticmethod
    def _form_body():
        """The form body as sent (Odoo parsed it into the request's form already)."""
        form = request.httprequest.form
        if not form:
            return request.httprequest.get_data(cache=True)[:MAX_WEBHOOK_BYTES + 1]
        pairs = list(form.items(multi=True))
        if any(REPLACEMENT_CHARACTER in key + value for key, value in pairs):
            raise WebhookError("the body is not UTF-8", 400)
        return urlencode(pairs).encode("utf-8")

    @staticmethod
    def _answer(text, status=200):
        return request.make_response(text, headers=[("Content-Type", "text/plain; charset=utf-8")], status=status)
