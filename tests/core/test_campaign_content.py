"""An Odoo-written body gets Mailchimp's required footer once, with its merge tags intact."""
import pytest

from mailchimp_sync.campaign_content import (
    ADDRESS,
    REWARDS,
    UNSUBSCRIBE,
    mailchimp_html,
    merge_tags,
    missing_footer_parts,
    restore_merge_tags,
)

COMPLETE = '<p>Hi</p><p><a href="*|UNSUB|*">Leave</a> *|LIST:ADDRESSLINE|*</p>'


def test_a_body_without_a_footer_gets_the_unsubscribe_link_and_the_address():
    html = mailchimp_html("<p>Hello *|FNAME|*</p>")
    assert html.startswith("<p>Hello *|FNAME|*</p>")
    assert '<a href="*|UNSUB|*">Unsubscribe</a>' in html
    assert "*|HTML:LIST_ADDRESS_HTML|*" in html
    assert "*|REWARDS|*" not in html
    assert missing_footer_parts(html) == []


def test_a_body_with_its_own_footer_is_left_as_it_is():
    assert mailchimp_html(COMPLETE) == COMPLETE


def test_the_footer_is_not_added_twice():
    once = mailchimp_html("<p>Hello</p>")
    assert mailchimp_html(once) == once
    assert once.count("*|UNSUB|*") == 1


def test_only_the_missing_part_is_added():
    html = mailchimp_html('<p><a href="*|UNSUB|*">Stop</a></p>')
    assert html.count("*|UNSUB|*") == 1
    assert "*|HTML:LIST_ADDRESS_HTML|*" in html


@pytest.mark.parametrize("tag", ["*|LIST:ADDRESS|*", "*|HTML:LIST_ADDRESS_HTML|*", "*|list:addressline|*",
                                 "*|LIST:ADDRESS_VCARD|*"])
def test_any_address_merge_tag_counts_as_the_address(tag):
    assert ADDRESS not in missing_footer_parts(f"<p>*|UNSUB|* {tag}</p>")


def test_a_free_plan_also_needs_the_referral_badge():
    assert missing_footer_parts(COMPLETE, free_plan=True) == [REWARDS]
    html = mailchimp_html(COMPLETE, free_plan=True)
    assert html.count("*|REWARDS|*") == 1 and html.startswith(COMPLETE)
    assert mailchimp_html(html, free_plan=True) == html


def test_merge_tags_escaped_by_the_sanitizer_are_restored_and_count():
    sanitized = '<p><a href="*%7CUNSUB%7C*">Leave</a> *|LIST:ADDRESS|*</p>'
    assert restore_merge_tags(sanitized) == '<p><a href="*|UNSUB|*">Leave</a> *|LIST:ADDRESS|*</p>'
    assert merge_tags(sanitized) == {"UNSUB", "LIST:ADDRESS"}
    assert mailchimp_html(sanitized) == '<p><a href="*|UNSUB|*">Leave</a> *|LIST:ADDRESS|*</p>'


def test_a_whole_document_gets_the_footer_inside_its_body():
    html = mailchimp_html("<html><body><p>Hi</p></body></html>")
    assert html.endswith("</div></body></html>")
    assert missing_footer_parts(html) == []


def test_the_labels_are_the_callers_and_escaped():
    html = mailchimp_html("<p>Hi</p>", unsubscribe_label="Wypisz <się>", address_label="Adres:")
    assert "Wypisz &lt;się&gt;</a>" in html and "Adres:<br/>" in html


def test_an_empty_body_gets_the_footer():
    assert missing_footer_parts("") == [UNSUBSCRIBE, ADDRESS]
    assert missing_footer_parts(mailchimp_html(None)) == []
