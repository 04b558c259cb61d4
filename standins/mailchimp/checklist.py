"""The send checklist of a campaign (``GET /campaigns/{id}/send-checklist``), as the stand-in computes it.

Mailchimp's send checklist: the public facts (found 2026-12, with their sources)
--------------------------------------------------------------------------------

* Endpoint ``GET /campaigns/{campaign_id}/send-checklist``, query ``fields`` /
  ``exclude_fields``: "Review the send checklist for a campaign, and resolve any
  issues before sending." (api-evangelist/mailchimp ``collections/mailchimp-checklist-api.opencollection.json``;
  Mailchimp's reference page https://mailchimp.com/developer/marketing/api/campaign-checklist/get-campaign-send-checklist/
  as cited there; thinkshout/mailchimp-api-php issue #42 cites the older
  developer.mailchimp.com/documentation/mailchimp/reference/campaigns/send-checklist).
* Answer: ``is_ready`` (bool, "Whether the campaign is ready to send."), ``items``
  ("A list of feedback items to review before sending your campaign."), ``_links``.
  Each item: ``type`` (enum ``success``, ``warning``, ``error``: "The item type."),
  ``id`` (integer, "The ID for the specific item."), ``heading`` ("The heading for the
  specific item."), ``details`` ("Details about the specific feedback item.")
  (generated SDK schemas: konfig-sdks/mailchimp-java-sdk ``docs/CampaignsGetSendChecklist200Response.md``,
  Mailchimp's FERN SDK ``ListSendChecklistCampaignsResponse``/``…ItemsItem``, Stefna ``SendChecklist/Item.php``).
  The one published sample item: ``{"type": "success", "id": 1, "heading": "From email is set",
  "details": "Your campaign has a valid From email address."}`` (withone.ai "Get a Campaign's Send Checklist").
* A campaign that is not ready: ``actions/send`` answers 400 with the problem document
  ``{"type": "http://developer.mailchimp.com/documentation/mailchimp/guides/error-glossary/",
  "title": "Bad Request", "status": 400, "detail": "Your Campaign is not ready to send.",
  "instance": "…"}`` — no ``errors`` array, no word of what is missing
  (drewm/mailchimp-api issue #209 and mailchimp/APIv3-examples issue #40, the same user,
  a campaign created with subject, reply-to and from name). Integrations therefore read the
  checklist first and refuse the send when ``is_ready`` is false (Kestra's Mailchimp
  SendCampaign task ``requireReady``; api-evangelist's "checklist then send" Arazzo workflow).
  ``actions/schedule`` answering the same: GUESSED (the same readiness rule; no public sample).
* Required content: "All campaigns sent via MailChimp are required to include an unsubscribe link"
  — the ``*|UNSUB|*`` merge tag (kb.mailchimp.com "The Unsubscribe Merge Tag"); anti-spam laws and
  Mailchimp's Terms of Use require the physical address (mailchimp.com/help/about-campaign-footers/).
  The sample custom-HTML footer of mailchimp.com/help/customize-your-footer-content/ carries
  ``<a href="*|UNSUB|*">Unsubscribe</a>`` and ``*|HTML:LIST_ADDRESS_HTML|*``; the merge tag cheat sheet's
  address variants ``*|LIST:ADDRESS|*`` (plain) and ``*|LIST:ADDRESSLINE|*`` (one line) are used the
  same way in public templates. ``*|LIST_ADDRESS|*`` (no colon) appears in no public Mailchimp page
  found: the stand-in does not take it. Mailchimp's help pages also say that its editor adds a footer
  when the tag is missing; for content set through the API the issue (I20) reports a refusal, which
  the stand-in follows.

GUESSED: Mailchimp publishes neither the items' ids nor their headings and details
besides the sample above; those below are the stand-in's own wording, one item per check,
an error when it fails and a success when it passes. The preview text is a warning (it does
not stop the send); a test email needs only the audience, sender, subject and content
(:data:`TEST_SEND_CHECKS`), Mailchimp adding its own footer to tests: both GUESSED.
"""

import re

from .util import EMAIL_SYNTAX

UNSUB_TAG = "*|UNSUB|*"
# Mailchimp's address merge tags (its merge tag cheat sheet): any of them gives the postal address.
ADDRESS_TAGS = ("*|LIST:ADDRESS|*", "*|LIST:ADDRESSLINE|*", "*|LIST:ADDRESS_VCARD|*", "*|HTML:LIST_ADDRESS|*",
                "*|HTML:LIST_ADDRESS_HTML|*", "*|LIST:ADDRESS_HTML|*")

# Merge tags are case-insensitive in Mailchimp; spaces inside the pipes are not allowed.
_TAG = re.compile(r"\*\|([A-Z0-9_:]+)\|\*", re.I)

# (id, (heading, details) when it passes, (heading, details) when it fails), worded as the published sample
# ("From email is set" / "Your campaign has a valid From email address.").
AUDIENCE = (1, ("Audience is set", "Your campaign goes to an audience."),
            ("No audience", "Choose the audience the campaign goes to."))
RECIPIENTS = (2, ("Recipients are set", "Your campaign has subscribed recipients."),
              ("No recipients", "The segment has no subscribed contact: nobody would receive the campaign."))
FROM_NAME = (3, ("From name is set", "Your campaign has a From name."), ("No From name", "Enter a From name."))
REPLY_TO = (4, ("Reply-to address is set", "Your campaign has a valid reply-to email address."),
            ("Invalid reply-to address", "Enter a valid reply-to email address."))
SUBJECT = (5, ("Subject line is set", "Your campaign has a subject line."),
           ("No subject line", "Enter a subject line."))
CONTENT = (6, ("Content is set", "Your campaign has content."), ("No content", "Your campaign has no content."))
UNSUBSCRIBE = (7, ("Unsubscribe link is set", "Your content has the *|UNSUB|* merge tag."),
               ("Missing unsubscribe link",
                "Add the *|UNSUB|* merge tag to your content: every campaign needs an unsubscribe link."))
ADDRESS = (8, ("Postal address is set", "Your content has your audience's address."),
           ("Missing postal address",
            "Add your audience's address with *|LIST:ADDRESS|*, *|LIST:ADDRESSLINE|* or "
            "*|HTML:LIST_ADDRESS_HTML|*: every campaign needs your postal address."))
PREVIEW_TEXT = (9, ("Preview text is set", "Your campaign has preview text."),
                ("No preview text", "Add preview text: it shows next to the subject line in most inboxes."))

# The checks a test email needs too (a test goes out with Mailchimp's own footer: GUESSED).
TEST_SEND_CHECKS = frozenset({AUDIENCE[0], FROM_NAME[0], REPLY_TO[0], SUBJECT[0], CONTENT[0]})


def merge_tags(text):
    """The merge tags of ``text``, upper case, with their ``*|…|*``."""
    return {f"*|{name.upper()}|*" for name in _TAG.findall(text or "")}


def checklist_items(campaign, recipient_count):
    """The checklist of ``campaign`` (the store's :class:`~.model.Campaign`) with ``recipient_count`` recipients.

    ``recipient_count`` is None when the campaign has no audience.
    """
    settings = campaign.settings
    body = campaign.content.get("html") or campaign.content.get("plain_text") or ""
    tags = merge_tags(body)
    reply_to = settings.get("reply_to") or ""
    checks = [
        (AUDIENCE, recipient_count is not None, "error"),
        (RECIPIENTS, bool(recipient_count), "error") if recipient_count is not None else None,
        (FROM_NAME, bool((settings.get("from_name") or "").strip()), "error"),
        (REPLY_TO, bool(EMAIL_SYNTAX.match(reply_to)), "error"),
        (SUBJECT, bool((settings.get("subject_line") or "").strip()), "error"),
        (CONTENT, bool(body.strip()), "error"),
        (UNSUBSCRIBE, UNSUB_TAG in tags, "error") if body.strip() else None,
        (ADDRESS, bool(tags.intersection(ADDRESS_TAGS)), "error") if body.strip() else None,
        (PREVIEW_TEXT, bool((settings.get("preview_text") or "").strip()), "warning"),
    ]
    items = []
    for check in filter(None, checks):
        (item_id, passed, failed), ok, failure = check
        heading, details = passed if ok else failed
        items.append({"type": "success" if ok else failure, "id": item_id, "heading": heading, "details": details})
    return items


def is_ready(items, ids=None):
    """Whether no item (of ``ids``, when given) is an error."""
    return not any(item["type"] == "error" and (ids is None or item["id"] in ids) for item in items)
