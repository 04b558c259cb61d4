"""List webhooks: registration (with the validator GET) and form-encoded delivery."""

import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import NamedTuple

from . import errors
from .model import WEBHOOK_EVENTS, WEBHOOK_SOURCES, Webhook

_log = logging.getLogger(__name__)
DELIVERY_TIMEOUT = 10
VALIDATOR_USER_AGENT = "MailChimp.com WebHook Validator"
DELIVERY_USER_AGENT = "MailChimp.com"
DEFAULT_EVENTS = {"subscribe": True, "unsubscribe": True, "profile": True,
                  "cleaned": True, "upemail": True, "campaign": False}
DEFAULT_SOURCES = {"user": True, "admin": True, "api": False}
URL_NOT_VALIDATED = "We couldn't verify the URL is working. Please double check and try again."

# Loopback receivers must not be sent through an HTTP proxy from the environment.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class WebhookDelivery(NamedTuple):
    """One attempted POST: ``result`` is the HTTP status code or an error string."""

    url: str
    form: dict
    result: object


def fired_at(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class WebhooksMixin:
    """Webhook resources and the emitter; deliveries are kept in ``webhook_deliveries``."""

    # -- management ------------------------------------------------------------

    def add_webhook(self, list_id, body):
        """``POST /lists/{id}/webhooks``; GETs the URL first unless validation is off."""
        body = body if isinstance(body, dict) else {}
        url = body.get("url")
        if not url or not str(url).startswith(("http://", "https://")):
            raise errors.field_error("url", "This value should not be blank.")
        events = self._flags(body.get("events"), WEBHOOK_EVENTS, DEFAULT_EVENTS, "events")
        sources = self._flags(body.get("sources"), WEBHOOK_SOURCES, DEFAULT_SOURCES, "sources")
        with self._lock:
            self.audience(list_id)
        if self.validate_webhook_urls:
            self._validate_url(url)
        with self.write():
            audience = self.audience(list_id)
            webhook = Webhook(id=self.new_hex_id(), url=url, events=events, sources=sources)
            audience.webhooks[webhook.id] = webhook
            return webhook

    @classmethod
    def _flags(cls, given, names, defaults, field_name):
        """Flags of a new webhook: the defaults when absent, unlisted ones false."""
        if given is None:
            return dict(defaults)
        return {name: False for name in names} | cls._changed_flags(given, names, field_name)

    @staticmethod
    def _changed_flags(given, names, field_name):
        """PATCH semantics: only the flags present in the body change."""
        if not isinstance(given, dict) or any(k not in names for k in given):
            raise errors.field_error(field_name, f"Allowed keys: {', '.join(names)}")
        return {name: bool(flag) for name, flag in given.items()}

    @staticmethod
    def _validate_url(url):
        request = urllib.request.Request(url, headers={"User-Agent": VALIDATOR_USER_AGENT})
        try:
            with _opener.open(request, timeout=DELIVERY_TIMEOUT) as response:
                if response.status == 200:
                    return
        except (OSError, ValueError):
            pass
        raise errors.field_error("url", URL_NOT_VALIDATED)

    def webhook(self, list_id, webhook_id):
        return errors.found(self.audience(list_id).webhooks.get(webhook_id))

    def update_webhook(self, list_id, webhook_id, body):
        body = body if isinstance(body, dict) else {}
        with self.write():
            webhook = self.webhook(list_id, webhook_id)
            if body.get("url"):
                webhook.url = body["url"]
            if "events" in body:
                webhook.events.update(self._changed_flags(body["events"], WEBHOOK_EVENTS, "events"))
            if "sources" in body:
                webhook.sources.update(self._changed_flags(body["sources"], WEBHOOK_SOURCES, "sources"))
            return webhook

    def delete_webhook(self, list_id, webhook_id):
        with self.write():
            self.webhook(list_id, webhook_id)
            del self.audience(list_id).webhooks[webhook_id]

    def webhook_document(self, list_id, webhook):
        return {
            "id": webhook.id,
            "url": webhook.url,
            "events": dict(webhook.events),
            "sources": dict(webhook.sources),
            "list_id": list_id,
            "_links": [self.link("self", f"/lists/{list_id}/webhooks/{webhook.id}")],
        }

    def webhooks_collection(self, list_id):
        with self._lock:
            webhooks = list(self.audience(list_id).webhooks.values())
            return {
                "webhooks": [self.webhook_document(list_id, w) for w in webhooks],
                "list_id": list_id,
                "total_items": len(webhooks),
                "_links": [self.link("self", f"/lists/{list_id}/webhooks")],
            }

    # -- emitting --------------------------------------------------------------

    def _fire(self, audience, event, source, data):
        """Queue ``data`` (list of ``(key, value)``) for every webhook listening to it."""
        pairs = [("type", event), ("fired_at", fired_at(self.now()))] + data
        for webhook in audience.webhooks.values():
            if webhook.events.get(event) and (source is None or webhook.sources.get(source)):
                self._enqueue_delivery(webhook.url, pairs)

    def _fire_member_event(self, audience, event, source, member, **extra):
        if not audience.webhooks:
            return
        if event == "upemail":
            data = [("data[list_id]", audience.id), ("data[new_id]", member.unique_email_id),
                    ("data[new_email]", member.email_address), ("data[old_email]", extra["old_email"])]
        elif event == "cleaned":
            data = [("data[list_id]", audience.id), ("data[campaign_id]", extra.get("campaign_id", "")),
                    ("data[reason]", extra.get("reason", "hard")), ("data[email]", member.email_address)]
        else:
            data = self._member_data(audience, member)
            if event == "unsubscribe":
                data = ([("data[action]", extra.get("action", "unsub")),
                         ("data[reason]", extra.get("reason", "manual"))]
                        + data + [("data[campaign_id]", extra.get("campaign_id", ""))])
        self._fire(audience, event, source, data)

    def _member_data(self, audience, member):
        """``data[...]`` pairs shared by subscribe, profile and unsubscribe."""
        data = [
            ("data[id]", member.unique_email_id),
            ("data[list_id]", audience.id),
            ("data[email]", member.email_address),
            ("data[email_type]", member.email_type),
            ("data[ip_opt]", member.ip_opt),
            ("data[ip_signup]", member.ip_signup),
            ("data[web_id]", str(member.web_id)),
            ("data[merges][EMAIL]", member.email_address),
        ]
        for merge_field in audience.merge_fields:
            value = member.merge_fields.get(merge_field.tag, "")
            key = f"data[merges][{merge_field.tag}]"
            if isinstance(value, dict):
                data.extend((f"{key}[{part}]", str(text)) for part, text in value.items())
            else:
                data.append((key, "" if value is None else str(value)))
        chosen = [i for i in audience.all_interests() if member.interests.get(i.id)]
        data.append(("data[merges][INTERESTS]", ", ".join(i.name for i in chosen)))
        for index, category in enumerate(audience.categories):
            prefix = f"data[merges][GROUPINGS][{index}]"
            groups = ", ".join(i.name for i in category.interests if member.interests.get(i.id))
            data.extend([(f"{prefix}[id]", category.id), (f"{prefix}[unique_id]", category.id),
                         (f"{prefix}[name]", category.title), (f"{prefix}[groups]", groups)])
        return data

    def _deliver_webhooks(self, outbox):
        for url, pairs in outbox:
            body = urllib.parse.urlencode(pairs).encode("ascii")
            request = urllib.request.Request(url, data=body, method="POST", headers={
                "User-Agent": DELIVERY_USER_AGENT,
                "Content-Type": "application/x-www-form-urlencoded",
            })
            try:
                with _opener.open(request, timeout=DELIVERY_TIMEOUT) as response:
                    result = response.status
            except urllib.error.HTTPError as failure:
                result = failure.code
            except (OSError, ValueError) as failure:
                result = f"{type(failure).__name__}: {failure}"
                _log.info("webhook delivery to %s failed: %s", url, result)
            with self._lock:
                self.webhook_deliveries.append(WebhookDelivery(url, dict(pairs), result))
