"""Seed loading: ``None`` (built-in minimal account), a dict, or a JSON file path.

Seed format (every key optional unless marked)::

    {
      "account": {
        "account_name": "Acme Demo", "account_id": "...", "login_id": "...",
        "user_id": 123, "username": "acme", "email": "owner@acme.pl",
        "first_name": "...", "last_name": "...", "role": "owner",
        "account_timezone": "Europe/Warsaw", "account_industry": "...",
        "pricing_plan_type": "monthly", "member_since": "2020-01-01T00:00:00+00:00",
        "contact": {"company", "addr1", "addr2", "city", "state", "zip", "country"},
        "api_keys": ["<32 hex>-us6"],      # default: one random key for the server's dc
        "oauth_tokens": ["<token>"]        # default: one random token
      },
      "lists": [{
        "id": "a1b2c3d4e5", "name": "Acme Newsletter" (required),
        "contact": {...}, "permission_reminder": "...", "campaign_defaults": {...},
        "email_type_option": false, "double_optin": false,
        "merge_fields": [{"tag", "name", "type", "required", "options": {"size": 255}}],
                                           # absent: Mailchimp defaults FNAME LNAME ADDRESS PHONE BIRTHDAY
        "interest_categories": [{"id", "title", "type", "interests": [{"id", "name"}]}],
        "tags": ["VIP"],
        "members": [{"email_address" (required), "status", "merge_fields",
                     "interests": {"<name or id>": true}, "tags": ["VIP"],
                     "compliance_state": true|false, "language", "vip",
                     "last_changed"/"timestamp_opt"/"timestamp_signup": "<ISO 8601>"}],
        "webhooks": [{"url", "events", "sources"}],     # registered without validation
        "campaigns": [{"id", "web_id", "title", "subject_line", "preview_text", "from_name", "reply_to",
                       "type": "regular", "html": "<p>...</p>",
                       "send_time": "<time>",         # absent: a draft
                       "sent_to": ["<email>"],        # members when it was sent; absent: the subscribed ones
                       "activity": [{"email", "action": "open|click|bounce|unsub",
                                     "minutes_after_send": 35, "url" (clicks), "type": "hard|soft" (bounces),
                                     "ip"}]}]
      }],
      "anchor": "2026-11-27"               # the day "D-n" counts back from; default: today (UTC)
    }

A ``<time>`` (``send_time`` and the member timestamps) is ISO 8601, or ``"D-52 09:30"``:
52 days before the anchor at 09:30 UTC, so that a demo's campaigns stay recent.
``python -m standins.mailchimp --seed-anchor`` sets the anchor (``tools/run`` passes the day its
database was created, so a restarted stand-in serves the same times).
"""

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from . import util

_RELATIVE_TIME = re.compile(r"^D-(?P<days>\d+)(?: (?P<hour>\d{1,2}):(?P<minute>\d{2}))?$")

MINIMAL_SEED = {
    "account": {"account_name": "Stand-in Account", "username": "standin",
                "email": "owner@standin.mailchimp.test"},
    "lists": [{"name": "Stand-in Audience"}],
}
_TIMESTAMPS = ("last_changed", "timestamp_opt", "timestamp_signup")


def read_seed(seed):
    if seed is None:
        return MINIMAL_SEED
    if isinstance(seed, dict):
        return seed
    return json.loads(Path(seed).read_text(encoding="utf-8"))


def load_seed(store, seed):
    data = read_seed(seed)
    anchor = date.fromisoformat(data["anchor"]) if data.get("anchor") else store.now().date()
    _load_account(store, data.get("account") or {})
    for list_seed in data.get("lists") or []:
        _load_list(store, list_seed, anchor)


def seed_time(value, anchor, field):
    """A seed's ``<time>``: ISO 8601, or ``"D-<days> [HH:MM]"`` counted back from ``anchor`` (UTC)."""
    match = _RELATIVE_TIME.match(str(value))
    if not match:
        return util.parse_iso(value, field)
    at = time(int(match["hour"] or 9), int(match["minute"] or 0))
    return datetime.combine(anchor - timedelta(days=int(match["days"])), at, tzinfo=UTC)


def _load_account(store, account):
    contact = {"company": account.get("account_name", "Stand-in Account"), "addr1": "Ul. Prosta 1",
               "addr2": "", "city": "Warszawa", "state": "", "zip": "00-001", "country": "PL"}
    contact.update(account.get("contact") or {})
    store.account = {
        "account_id": store.new_hex_id(25),
        "login_id": str(store.new_web_id()),
        "user_id": store.new_web_id(),
        "first_name": "Stand",
        "last_name": "In",
        "username": "standin",
        "email": "owner@standin.mailchimp.test",
        "role": "owner",
        "member_since": "2020-01-01T00:00:00+00:00",
        "pricing_plan_type": "monthly",
        "first_payment": "2020-01-01T00:00:00+00:00",
        "account_timezone": "Europe/Warsaw",
        "account_industry": "Retail",
        "pro_enabled": False,
        **{k: v for k, v in account.items() if k not in ("api_keys", "oauth_tokens")},
        "contact": contact,
    }
    for key in account.get("api_keys") or [None]:
        store.add_api_key(key)
    for token in account.get("oauth_tokens") or [None]:
        store.add_oauth_token(token)


def _list_body(store, list_seed):
    contact = store.account["contact"]
    return {
        "name": list_seed["name"],
        "contact": list_seed.get("contact") or {
            "company": contact["company"], "address1": contact["addr1"], "city": contact["city"],
            "state": contact["state"], "zip": contact["zip"], "country": contact["country"]},
        "permission_reminder": list_seed.get("permission_reminder",
                                             "You are receiving this email because you signed up."),
        "campaign_defaults": list_seed.get("campaign_defaults") or {
            "from_name": contact["company"], "from_email": store.account["email"],
            "subject": "", "language": "pl"},
        "email_type_option": list_seed.get("email_type_option", False),
        "double_optin": list_seed.get("double_optin", False),
        "merge_fields": list_seed.get("merge_fields"),
    }


def _load_list(store, list_seed, anchor):
    audience = store.create_list(_list_body(store, list_seed), list_id=list_seed.get("id"))
    for merge_field in list_seed.get("merge_fields") or []:
        store.add_merge_field(audience.id, merge_field)
    for category in list_seed.get("interest_categories") or []:
        created = store.add_interest_category(
            audience.id, {"title": category["title"], "type": category.get("type", "checkboxes")},
            category_id=category.get("id"))
        for interest in category.get("interests") or []:
            store.add_interest(audience.id, created.id, {"name": interest["name"]},
                               interest_id=interest.get("id"))
    for tag in list_seed.get("tags") or []:
        with store.write():
            store._tag_segment(audience, tag)
    for member in list_seed.get("members") or []:
        member = dict(member)
        email = member.pop("email_address")
        for key in _TIMESTAMPS:
            if member.get(key):
                member[key] = seed_time(member[key], anchor, key)
        store.seed_member(audience.id, email, **member)
    for webhook in list_seed.get("webhooks") or []:
        _register_webhook(store, audience.id, webhook)
    for campaign in list_seed.get("campaigns") or []:
        _load_campaign(store, audience.id, campaign, anchor)


_CAMPAIGN_SETTINGS = ("title", "subject_line", "preview_text", "from_name", "reply_to")


def _load_campaign(store, list_id, campaign, anchor):
    send_time = seed_time(campaign["send_time"], anchor, "send_time") if campaign.get("send_time") else None
    if send_time is None and campaign.get("activity"):
        raise ValueError(f"campaign {campaign.get('id') or campaign.get('title')}: activity without a send_time")
    activity = [{**event, "timestamp": send_time + timedelta(minutes=event["minutes_after_send"])}
                for event in campaign.get("activity") or []]
    store.seed_campaign(
        list_id, {key: campaign[key] for key in _CAMPAIGN_SETTINGS if key in campaign}, send_time,
        sent_to=campaign.get("sent_to"), activity=activity, campaign_id=campaign.get("id"),
        campaign_type=campaign.get("type", "regular"), html=campaign.get("html", ""), web_id=campaign.get("web_id"))


def _register_webhook(store, list_id, webhook):
    validate = store.validate_webhook_urls
    store.validate_webhook_urls = False
    try:
        store.add_webhook(list_id, webhook)
    finally:
        store.validate_webhook_urls = validate
