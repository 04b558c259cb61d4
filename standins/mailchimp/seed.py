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
        "webhooks": [{"url", "events", "sources"}]      # registered without validation
      }]
    }
"""

import json
from pathlib import Path

from . import util

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
    _load_account(store, data.get("account") or {})
    for list_seed in data.get("lists") or []:
        _load_list(store, list_seed)


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


def _load_list(store, list_seed):
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
                member[key] = util.parse_iso(member[key], key)
        store.seed_member(audience.id, email, **member)
    for webhook in list_seed.get("webhooks") or []:
        _register_webhook(store, audience.id, webhook)


def _register_webhook(store, list_id, webhook):
    validate = store.validate_webhook_urls
    store.validate_webhook_urls = False
    try:
        store.add_webhook(list_id, webhook)
    finally:
        store.validate_webhook_urls = validate
