"""A draft worked on after it was created: client and stand-in agree on settings, content and copies."""
import pytest

from mailchimp_sync.errors import MailchimpError

SETTINGS = {"subject_line": "Autumn offer", "preview_text": "Only now", "title": "Autumn",
            "from_name": "Acme", "reply_to": "news@acme.pl"}
# A body with the footer Mailchimp's send checklist requires.
BODY = '<p>Hello</p><p><a href="*|UNSUB|*">Unsubscribe</a> *|HTML:LIST_ADDRESS_HTML|*</p>'


@pytest.fixture
def draft(make_client, new_list):
    client = make_client()
    list_id = new_list(client, "Workspace")
    client.upsert_member(list_id, "reader@acme-example.com",
                         {"email_address": "reader@acme-example.com", "status_if_new": "subscribed"})
    campaign = client.create_campaign({"type": "regular", "recipients": {"list_id": list_id},
                                       "settings": dict(SETTINGS)})
    client.set_campaign_content(campaign["id"], {"html": BODY})
    return client, campaign


def test_a_drafts_settings_are_changed_with_patch(draft):
    client, campaign = draft
    answer = client.update_campaign(campaign["id"], {"settings": {**SETTINGS, "subject_line": "Winter offer",
                                                                  "reply_to": "sales@acme.pl"}})
    assert answer["settings"]["subject_line"] == "Winter offer"
    again = client.get_campaign(campaign["id"])
    assert (again["settings"]["subject_line"], again["settings"]["reply_to"], again["settings"]["preview_text"]) == (
        "Winter offer", "sales@acme.pl", "Only now")
    assert again["status"] == "save"


def test_the_content_is_read_back_as_it_was_put(draft):
    client, campaign = draft
    client.set_campaign_content(campaign["id"], {"html": "<p>Designed *|FNAME|*</p>"})
    content = client.get_campaign_content(campaign["id"])
    assert content["html"] == "<p>Designed *|FNAME|*</p>"
    assert "plain_text" in content and "archive_html" in content


def test_a_copy_is_a_new_draft_with_the_same_settings_and_content(draft):
    client, campaign = draft
    copy = client.replicate_campaign(campaign["id"])
    assert copy["id"] != campaign["id"] and copy["status"] == "save"
    assert copy["settings"]["title"] == "Autumn (copy 01)"
    assert copy["settings"]["subject_line"] == "Autumn offer"
    assert copy["recipients"]["list_id"] == campaign["recipients"]["list_id"]
    assert client.get_campaign_content(copy["id"])["html"] == BODY
    assert client.replicate_campaign(campaign["id"])["settings"]["title"] == "Autumn (copy 02)"


def test_a_scheduled_campaign_is_not_replicated_and_a_sent_one_is_not_changed(draft):
    client, campaign = draft
    client.schedule_campaign(campaign["id"], "2099-01-01T10:15:00+00:00")
    with pytest.raises(MailchimpError) as refused:
        client.replicate_campaign(campaign["id"])
    assert refused.value.status == 400
    client.unschedule_campaign(campaign["id"])
    client.send_campaign(campaign["id"])
    with pytest.raises(MailchimpError) as refused:
        client.update_campaign(campaign["id"], {"settings": SETTINGS})
    assert refused.value.status == 400
    assert client.replicate_campaign(campaign["id"])["status"] == "save"


def test_an_unknown_campaign_is_a_404(make_client):
    with pytest.raises(MailchimpError) as missing:
        make_client().get_campaign_content("nope")
    assert missing.value.status == 404
