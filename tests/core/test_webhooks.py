"""Mailchimp webhook bodies → typed events (mailchimp_sync.webhooks), against api-facts and the stand-in."""

import re
import urllib.parse
from datetime import UTC, datetime

import pytest

from mailchimp_sync import webhooks
from mailchimp_sync.const import MAX_WEBHOOK_BYTES, WEBHOOK_EVENT_TYPES
from mailchimp_sync.webhooks import (
    InterestGrouping,
    WebhookError,
    check_size,
    event_key,
    is_validation_ping,
    new_secret,
    parse_webhook,
    resolve_group_names,
    secret_matches,
    split_group_names,
    storable_body,
)
from standins.mailchimp import DEMO_SEED
from standins.mailchimp import webhooks as standin_webhooks
from standins.mailchimp.store import Store

FORM = "application/x-www-form-urlencoded"
LIST_ID = "a1b2c3d4e5"
CATEGORY_ID = "c0ffee0001"
FIRED = datetime(2009, 3, 26, 21, 40, 57, tzinfo=UTC)

# api-facts 1.9 "Example body a fake should emit", its line breaks joined.
API_FACTS_UNSUBSCRIBE = (
    b"type=unsubscribe&fired_at=2009-03-26+21%3A40%3A57&data%5Baction%5D=unsub&data%5Breason%5D=manual"
    b"&data%5Bid%5D=8a25ff1d98&data%5Blist_id%5D=a6b5da1054&data%5Bemail%5D=api%2Bunsub%40mailchimp.com"
    b"&data%5Bemail_type%5D=html&data%5Bmerges%5D%5BFNAME%5D=MailChimp&data%5Bcampaign_id%5D=cb398d21d2"
)


def encode(pairs):
    """A body as Mailchimp (and the stand-in) encode it: urlencoded, brackets percent-escaped."""
    return urllib.parse.urlencode(pairs).encode("ascii")


def member_pairs(event_type, email="api@mailchimp.com", **extra):
    """The legacy docs' subscribe/profile sample (api-facts 1.9), with ``extra`` data[...] fields."""
    pairs = [
        ("type", event_type), ("fired_at", "2009-03-26 21:40:57"),
        ("data[id]", "8a25ff1d98"), ("data[list_id]", "a6b5da1054"), ("data[email]", email),
        ("data[email_type]", "html"), ("data[merges][EMAIL]", email),
        ("data[merges][FNAME]", "MailChimp"), ("data[merges][LNAME]", "API"),
        ("data[merges][INTERESTS]", "Group1,Group2"),
        ("data[ip_opt]", "10.20.10.30"), ("data[ip_signup]", "10.20.10.30"),
    ]
    return pairs + [(f"data[{name}]", value) for name, value in extra.items()]


def rejected(body, content_type=FORM):
    with pytest.raises(WebhookError) as caught:
        parse_webhook(body, content_type)
    return caught.value


# ---------------------------------------------------------------- every type, api-facts' format


class TestEventTypes:
    def test_api_facts_unsubscribe_example(self):
        event = parse_webhook(API_FACTS_UNSUBSCRIBE, FORM)
        assert (event.type, event.fired_at, event.list_id) == ("unsubscribe", FIRED, "a6b5da1054")
        assert event.email == event.match_email == "api+unsub@mailchimp.com"
        assert (event.action, event.reason, event.campaign_id) == ("unsub", "manual", "cb398d21d2")
        assert (event.member_id, event.email_type) == ("8a25ff1d98", "html")
        assert event.merges == {"FNAME": "MailChimp"}
        assert event.fired_at.tzinfo is UTC

    def test_subscribe(self):
        event = parse_webhook(encode(member_pairs("subscribe")), FORM)
        assert (event.type, event.email, event.member_id) == ("subscribe", "api@mailchimp.com", "8a25ff1d98")
        assert event.merges == {"EMAIL": "api@mailchimp.com", "FNAME": "MailChimp", "LNAME": "API",
                                "INTERESTS": "Group1,Group2"}
        assert split_group_names(event.merges["INTERESTS"]) == {"Group1", "Group2"}
        assert (event.ip_opt, event.ip_signup) == ("10.20.10.30", "10.20.10.30")
        assert (event.action, event.reason, event.campaign_id, event.old_email) == ("", "", "", "")

    def test_profile(self):
        event = parse_webhook(encode(member_pairs("profile")), FORM)
        assert (event.type, event.email, event.merges["LNAME"]) == ("profile", "api@mailchimp.com", "API")

    def test_unsubscribe_with_action_delete(self):
        body = encode(member_pairs("unsubscribe", action="delete", reason="manual", campaign_id=""))
        event = parse_webhook(body, FORM)
        assert (event.action, event.reason, event.campaign_id) == ("delete", "manual", "")

    def test_unsubscribe_without_action_is_unsub(self):
        assert parse_webhook(encode(member_pairs("unsubscribe", reason="abuse")), FORM).action == "unsub"

    def test_upemail(self):
        body = encode([("type", "upemail"), ("fired_at", "2009-03-26 22:15:09"),
                       ("data[list_id]", "a6b5da1054"), ("data[new_id]", "51aa2b6cd5"),
                       ("data[new_email]", "api+new@mailchimp.com"), ("data[old_email]", "api+old@mailchimp.com")])
        event = parse_webhook(body, FORM)
        assert (event.type, event.list_id, event.member_id) == ("upemail", "a6b5da1054", "51aa2b6cd5")
        assert (event.old_email, event.new_email) == ("api+old@mailchimp.com", "api+new@mailchimp.com")
        assert event.email == "api+new@mailchimp.com" and event.match_email == "api+old@mailchimp.com"
        assert event.merges == {} and event.groupings == ()

    def test_cleaned_with_reason(self):
        body = encode([("type", "cleaned"), ("fired_at", "2009-03-26 22:01:00"),
                       ("data[list_id]", "a6b5da1054"), ("data[campaign_id]", "4fjk2ma9xd"),
                       ("data[reason]", "hard"), ("data[email]", "api+cleaned@mailchimp.com")])
        event = parse_webhook(body, FORM)
        assert (event.type, event.email, event.reason, event.campaign_id) == (
            "cleaned", "api+cleaned@mailchimp.com", "hard", "4fjk2ma9xd")

    def test_campaign(self):
        body = encode([("type", "campaign"), ("fired_at", "2009-03-26 21:31:21"),
                       ("data[id]", "5aa2102003"), ("data[subject]", "Test Campaign Subject"),
                       ("data[status]", "sent"), ("data[reason]", ""), ("data[list_id]", "a6b5da1054")])
        event = parse_webhook(body, FORM)
        assert (event.type, event.campaign_id, event.subject, event.campaign_status) == (
            "campaign", "5aa2102003", "Test Campaign Subject", "sent")
        assert (event.email, event.member_id, event.list_id) == ("", "", "a6b5da1054")

    def test_address_merge_in_parts(self):
        pairs = member_pairs("profile") + [("data[merges][ADDRESS][city]", "Gdańsk"),
                                           ("data[merges][ADDRESS][zip]", "80-001")]
        event = parse_webhook(encode(pairs), FORM)
        assert event.merge_parts == {"ADDRESS": {"city": "Gdańsk", "zip": "80-001"}}
        assert "ADDRESS" not in event.merges

    def test_charset_parameter_and_missing_content_type_are_accepted(self):
        for content_type in (f"{FORM}; charset=UTF-8", None, ""):
            assert parse_webhook(API_FACTS_UNSUBSCRIBE, content_type).type == "unsubscribe"

    def test_unicode_and_sql_html_kept_verbatim(self):
        fname = "Robert'); DROP TABLE res_partner;--"
        lname = '<script>alert("x")</script> Zażółć & <b>gęślą</b>'
        body = encode(member_pairs("profile") + [("data[merges][FNAME2]", fname), ("data[merges][LNAME2]", lname)])
        event = parse_webhook(body, FORM)
        assert (event.merges["FNAME2"], event.merges["LNAME2"]) == (fname, lname)

    def test_raw_utf8_body_is_accepted(self):
        body = "type=profile&fired_at=2024-01-02 03:04:05&data[list_id]=L&data[email]=a@b.pl&data[merges][FNAME]=Łucja"
        event = parse_webhook(body.encode("utf-8"), FORM)
        assert event.merges == {"FNAME": "Łucja"} and event.fired_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


class TestGroupings:
    def test_groupings_in_index_order(self):
        pairs = member_pairs("subscribe")
        for index, (gid, name, groups) in ((10, ("c3", "Third", "")), (2, ("c2", "Second", "B")),
                                           (0, ("c1", "First", "A, Walk\\, 2015, C"))):
            prefix = f"data[merges][GROUPINGS][{index}]"
            pairs += [(f"{prefix}[id]", gid), (f"{prefix}[unique_id]", gid + "u"),
                      (f"{prefix}[name]", name), (f"{prefix}[groups]", groups)]
        event = parse_webhook(encode(pairs), FORM)
        assert event.groupings == (
            InterestGrouping("c1", "First", "A, Walk\\, 2015, C", frozenset({"A", "Walk, 2015", "C"}), "c1u"),
            InterestGrouping("c2", "Second", "B", frozenset({"B"}), "c2u"),
            InterestGrouping("c3", "Third", "", frozenset(), "c3u"),
        )
        assert "GROUPINGS" not in event.merges

    def test_split_group_names(self):
        assert split_group_names("") == frozenset()
        assert split_group_names("Retail, Partners") == {"Retail", "Partners"}
        assert split_group_names("a\\,b,c") == {"a,b", "c"}

    def test_resolve_names_with_plain_commas(self):
        known = ["Sponsored walk", "Sponsored walk, 2015", "Never used"]
        assert resolve_group_names("Sponsored walk, 2015", known) == (frozenset({"Sponsored walk, 2015"}),
                                                                       frozenset())
        assert resolve_group_names("Sponsored walk,Sponsored walk, 2015, Gone", known) == (
            frozenset({"Sponsored walk", "Sponsored walk, 2015"}), frozenset({"Gone"}))
        assert resolve_group_names("Sponsored walk\\, 2015", known)[0] == {"Sponsored walk, 2015"}
        assert resolve_group_names("", known) == (frozenset(), frozenset())


# ---------------------------------------------------------------- the stand-in's deliveries


class CapturingOpener:
    """Takes the stand-in's webhook POSTs instead of the network: the exact bytes and Content-Type."""

    def __init__(self):
        self.posts = []

    def open(self, request, timeout=None):
        self.posts.append((request.data, request.get_header("Content-type")))
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    status = 200


@pytest.fixture
def mailchimp(monkeypatch):
    """A demo stand-in store whose webhook (all events, all sources) POSTs into ``mailchimp.outbox``."""
    opener = CapturingOpener()
    monkeypatch.setattr(standin_webhooks, "_opener", opener)
    store = Store(seed=DEMO_SEED, validate_webhook_urls=False)
    store.set_clock(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC))
    store.add_webhook(LIST_ID, {"url": "http://odoo.invalid/mailchimp/webhook/1/s3cret",
                                "events": dict.fromkeys(WEBHOOK_EVENT_TYPES, True),
                                "sources": {"user": True, "admin": True, "api": True}})
    store.outbox = opener.posts
    return store


def delivered(store):
    """The one event the last action fired, parsed from the stand-in's bytes."""
    (body, content_type), = store.outbox
    store.outbox.clear()
    assert content_type == FORM
    return parse_webhook(body, content_type)


class TestStandinDeliveries:
    def test_subscribe_with_address_and_groups(self, mailchimp):
        mailchimp.user_subscribe(LIST_ID, "new.reader@acme-demo.pl", merges={
            "FNAME": "Nowy", "ADDRESS": {"addr1": "ul. Krótka 2", "city": "Gdańsk", "state": "pomorskie",
                                         "zip": "80-001", "country": "PL"}},
            interests={"Retail": True, "Partners": True}, ip="10.20.10.30")
        event = delivered(mailchimp)
        member = mailchimp.get_member(LIST_ID, "new.reader@acme-demo.pl")
        assert (event.type, event.list_id, event.email) == ("subscribe", LIST_ID, "new.reader@acme-demo.pl")
        assert event.fired_at == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
        assert event.member_id == member["unique_email_id"]
        assert event.web_id == str(member["web_id"]) and event.ip_opt == "10.20.10.30"
        assert event.merges["FNAME"] == "Nowy" and event.merges["EMAIL"] == "new.reader@acme-demo.pl"
        assert event.merge_parts["ADDRESS"]["city"] == "Gdańsk"
        assert split_group_names(event.merges["INTERESTS"]) == {"Retail", "Partners"}
        grouping, = event.groupings
        assert (grouping.id, grouping.name, grouping.groups) == (
            CATEGORY_ID, "Customer groups", {"Retail", "Partners"})

    def test_profile(self, mailchimp):
        mailchimp.user_update_profile(LIST_ID, "jan.kowalski@acme-demo.pl", merges={"LNAME": "Nowak"},
                                      interests={"Retail": True}, source="admin")
        event = delivered(mailchimp)
        assert (event.type, event.email, event.merges["LNAME"]) == ("profile", "jan.kowalski@acme-demo.pl", "Nowak")
        assert event.groupings[0].groups == {"Wholesale", "Retail"}

    def test_unsubscribe_unsub_and_delete(self, mailchimp):
        mailchimp.user_unsubscribe(LIST_ID, "jan.kowalski@acme-demo.pl", reason="abuse", campaign_id="cb398d21d2")
        event = delivered(mailchimp)
        assert (event.type, event.action, event.reason, event.campaign_id) == (
            "unsubscribe", "unsub", "abuse", "cb398d21d2")
        mailchimp.user_unsubscribe(LIST_ID, "maria.wisniewska@acme-demo.pl", action="delete")
        event = delivered(mailchimp)
        assert (event.email, event.action, event.reason) == ("maria.wisniewska@acme-demo.pl", "delete", "manual")

    def test_upemail(self, mailchimp):
        mailchimp.user_change_email(LIST_ID, "jan.kowalski@acme-demo.pl", "jan@acme-demo.pl")
        event = delivered(mailchimp)
        assert (event.type, event.old_email, event.new_email, event.match_email) == (
            "upemail", "jan.kowalski@acme-demo.pl", "jan@acme-demo.pl", "jan.kowalski@acme-demo.pl")
        assert event.member_id == mailchimp.get_member(LIST_ID, "jan@acme-demo.pl")["unique_email_id"]

    def test_cleaned(self, mailchimp):
        mailchimp.mark_cleaned(LIST_ID, "piotr.zielinski@acme-demo.pl", reason="abuse")
        event = delivered(mailchimp)
        assert (event.type, event.email, event.reason, event.campaign_id) == (
            "cleaned", "piotr.zielinski@acme-demo.pl", "abuse", "")

    def test_campaign(self, mailchimp):
        campaign = mailchimp.create_campaign({
            "type": "regular", "recipients": {"list_id": LIST_ID},
            "settings": {"subject_line": "Autumn offer", "from_name": "Acme", "reply_to": "news@acme-demo.pl"}})
        mailchimp.set_campaign_content(campaign.id, {"html": "<p>Hi</p>"
            "<p><a href='*|UNSUB|*'>Unsubscribe</a> *|LIST:ADDRESSLINE|*</p>"})
        mailchimp.send_campaign(campaign.id)
        event = delivered(mailchimp)
        assert (event.type, event.campaign_id, event.subject, event.campaign_status, event.list_id) == (
            "campaign", campaign.id, "Autumn offer", "sent", LIST_ID)


# ---------------------------------------------------------------- bad input


def _with(pairs, **changes):
    """``pairs`` with top-level or data[...] values replaced (None removes the field)."""
    out = [(k, changes.get(k, v)) for k, v in pairs]
    return [(k, v) for k, v in out if v is not None]


SUBSCRIBE = member_pairs("subscribe")
MALFORMED_400 = {
    "missing type": encode(_with(SUBSCRIBE, type=None)),
    "empty type": encode(_with(SUBSCRIBE, type="")),
    "unknown type": encode(_with(SUBSCRIBE, type="unsubscribed")),
    "missing fired_at": encode(_with(SUBSCRIBE, fired_at=None)),
    "fired_at not a date": encode(_with(SUBSCRIBE, fired_at="yesterday")),
    "fired_at month 13": encode(_with(SUBSCRIBE, fired_at="2009-13-26 21:40:57")),
    "fired_at with zone": encode(_with(SUBSCRIBE, fired_at="2009-03-26T21:40:57Z")),
    "subscribe without email": encode(_with(SUBSCRIBE, **{"data[email]": None})),
    "subscribe blank email": encode(_with(SUBSCRIBE, **{"data[email]": "  "})),
    "no list_id": encode(_with(SUBSCRIBE, **{"data[list_id]": None})),
    "upemail without old_email": encode([("type", "upemail"), ("fired_at", "2009-03-26 21:40:57"),
                                         ("data[list_id]", "L"), ("data[new_email]", "n@x.pl")]),
    "campaign without id": encode([("type", "campaign"), ("fired_at", "2009-03-26 21:40:57"),
                                   ("data[list_id]", "L")]),
    "unknown unsubscribe action": encode(member_pairs("unsubscribe", action="erase")),
    "repeated type": encode(SUBSCRIBE + [("type", "unsubscribe")]),
    "value and group": encode(SUBSCRIBE + [("data[email][x]", "y")]),
    "data is text": b"type=subscribe&fired_at=2009-03-26+21%3A40%3A57&data=x",
    "merges is text": encode(_with(SUBSCRIBE, **{"data[merges][EMAIL]": None, "data[merges][FNAME]": None,
                                                 "data[merges][LNAME]": None, "data[merges][INTERESTS]": None})
                             + [("data[merges]", "x")]),
    "merge nested too deep": encode(SUBSCRIBE + [("data[merges][ADDRESS][city][x]", "y")]),
    "groupings index not a number": encode(SUBSCRIBE + [("data[merges][GROUPINGS][a][id]", "1")]),
    "grouping is text": encode(SUBSCRIBE + [("data[merges][GROUPINGS][0]", "x")]),
    "unclosed bracket": encode(SUBSCRIBE + [("data[email", "x")]),
    "empty brackets": encode(SUBSCRIBE + [("data[]", "x")]),
    "nested too deep": encode(SUBSCRIBE + [("data[a][b][c][d][e][f]", "x")]),
    "NUL escaped": encode(_with(SUBSCRIBE, **{"data[merges][FNAME]": "Ja\x00n"})),
    "NUL raw": b"type=subscribe&fired_at=2009-03-26+21%3A40%3A57\x00",
    "too many fields": encode(SUBSCRIBE + [(f"data[merges][M{i}]", "x") for i in range(1000)]),
    "garbage text": b"hello world, this is not a webhook",
    "json": b'{"type": "subscribe", "data": {"email": "a@b.pl"}}',
    "garbage bytes": bytes(range(256)),
    "non-UTF-8 raw": b"type=subscribe&fired_at=2009-03-26+21%3A40%3A57&data[email]=caf\xe9@x.pl",
    "non-UTF-8 escaped": encode(SUBSCRIBE).replace(b"MailChimp", b"Mail%E9Chimp"),
}


class TestMalformed:
    @pytest.mark.parametrize("body", MALFORMED_400.values(), ids=MALFORMED_400.keys())
    def test_400_with_a_short_reason(self, body):
        error = rejected(body)
        assert error.status == 400
        assert error.reason and len(error.reason) < 80 and str(error) == error.reason

    def test_reasons_name_the_problem(self):
        assert rejected(MALFORMED_400["missing type"]).reason == "missing type"
        assert rejected(MALFORMED_400["unknown type"]).reason == "unknown type"
        assert rejected(MALFORMED_400["non-UTF-8 raw"]).reason == "body is not UTF-8"
        assert rejected(MALFORMED_400["non-UTF-8 escaped"]).reason == "body is not UTF-8"
        assert rejected(MALFORMED_400["subscribe without email"]).reason == "missing data[email] (subscribe event)"

    def test_reason_never_echoes_the_input(self):
        assert "<script>" not in rejected(encode(SUBSCRIBE + [("data[<script>", "x")])).reason

    @pytest.mark.parametrize("content_type", ["application/json", "text/plain", "multipart/form-data; boundary=x",
                                              f"{FORM}; charset=iso-8859-2"])
    def test_other_content_type_is_415(self, content_type):
        assert rejected(API_FACTS_UNSUBSCRIBE, content_type).status == 415

    def test_one_megabyte_is_413(self):
        body = encode(member_pairs("profile")) + b"&data[merges][NOTES]=" + b"x" * (1024 * 1024)
        assert rejected(body).status == 413

    def test_size_limit(self):
        assert MAX_WEBHOOK_BYTES == webhooks.MAX_WEBHOOK_BYTES == 64 * 1024
        check_size(None)
        check_size(MAX_WEBHOOK_BYTES)
        with pytest.raises(WebhookError) as caught:
            check_size(MAX_WEBHOOK_BYTES + 1)
        assert caught.value.status == 413
        body = encode(member_pairs("profile")) + b"&data[merges][NOTES]="
        assert parse_webhook(body + b"x" * (MAX_WEBHOOK_BYTES - len(body)), FORM).type == "profile"

    @pytest.mark.parametrize("body", [b"", b"  \r\n"])
    def test_empty_body_is_a_200_ping(self, body):
        assert rejected(body).status == 200
        assert is_validation_ping("POST", body)

    def test_validation_ping(self):
        assert is_validation_ping("GET", None) and is_validation_ping("get", b"") and is_validation_ping("HEAD", b"")
        assert is_validation_ping("GET", b"type=subscribe")
        assert not is_validation_ping("POST", API_FACTS_UNSUBSCRIBE)
        assert not is_validation_ping("PUT", b"")


# ---------------------------------------------------------------- idempotency, storage, secrets


class TestEventKey:
    def test_redelivery_has_the_same_key(self):
        first, again = parse_webhook(API_FACTS_UNSUBSCRIBE, FORM), parse_webhook(API_FACTS_UNSUBSCRIBE, FORM)
        assert re.fullmatch(r"[0-9a-f]{64}", event_key(first))
        assert event_key(first) == event_key(again)

    def test_field_order_does_not_matter(self):
        pairs = member_pairs("profile") + [("data[merges][GROUPINGS][0][id]", "c1"),
                                           ("data[merges][GROUPINGS][0][groups]", "A, B")]
        reordered = encode(list(reversed(pairs)))
        assert event_key(parse_webhook(encode(pairs), FORM)) == event_key(parse_webhook(reordered, FORM))

    def test_other_events_have_other_keys(self):
        base = member_pairs("profile")
        variants = [
            base,
            _with(base, fired_at="2009-03-26 21:40:58"),
            _with(base, type="subscribe"),
            _with(base, **{"data[email]": "other@mailchimp.com"}),
            _with(base, **{"data[list_id]": "ffffffffff"}),
            _with(base, **{"data[merges][FNAME]": "Changed"}),  # same second, another edit
        ]
        keys = {event_key(parse_webhook(encode(pairs), FORM)) for pairs in variants}
        assert len(keys) == len(variants)
        unsub, delete = (encode(member_pairs("unsubscribe", action=a)) for a in ("unsub", "delete"))
        assert event_key(parse_webhook(unsub, FORM)) != event_key(parse_webhook(delete, FORM))


class TestStorableBody:
    def test_utf8_body_kept_exactly(self):
        body = "type=profile&data[merges][FNAME]=Łucja&x=%3Cb%3E".encode()
        assert storable_body(body) == body.decode()
        assert storable_body(API_FACTS_UNSUBSCRIBE) == API_FACTS_UNSUBSCRIBE.decode()

    def test_refused_bodies_still_store(self):
        assert storable_body(b"caf\xe9\x00") == "caf\\xe9\\x00"
        assert len(storable_body(b"x" * (2 * MAX_WEBHOOK_BYTES))) == MAX_WEBHOOK_BYTES


class TestSecrets:
    def test_new_secret(self):
        secrets_ = {new_secret() for _ in range(50)}
        assert len(secrets_) == 50
        for secret in secrets_:
            assert re.fullmatch(r"[A-Za-z0-9_-]{32}", secret)  # 24 random bytes = 192 bits

    def test_secret_matches(self):
        secret = new_secret()
        assert secret_matches(secret, secret)
        assert not secret_matches(secret, secret[:-1])
        assert not secret_matches(secret, secret + "x")
        assert not secret_matches(secret, "")
        assert not secret_matches(secret, None)
        assert not secret_matches(secret, "zażółć\udcff")

    def test_unknown_audience_never_matches(self):
        for given in ("", None, "anything", webhooks._NO_SECRET):
            assert not secret_matches(None, given)
            assert not secret_matches("", given)

    def test_same_comparison_for_any_audience_and_length(self, monkeypatch):
        """Digests of equal length are compared in every case, so the timing says nothing."""
        compared = []
        real = webhooks.hmac.compare_digest

        def recording(a, b):
            compared.append((len(a), len(b)))
            return real(a, b)

        monkeypatch.setattr(webhooks.hmac, "compare_digest", recording)
        secret = new_secret()
        for expected, given in ((secret, secret), (secret, "short"), (None, "x" * 500), (None, None)):
            secret_matches(expected, given)
        assert compared == [(32, 32)] * 4
