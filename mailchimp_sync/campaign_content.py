"""An HTML body written in Odoo as Mailchimp must get it: merge tags intact, the required footer present.

Mailchimp's terms and anti-spam laws require every campaign to carry an unsubscribe link
(``*|UNSUB|*``) and the audience's postal address (one of its address merge tags), and a
Free plan's campaigns the Referral badge (``*|REWARDS|*``); its send checklist refuses a
campaign without them ("About Email Footers", mailchimp.com/help/about-campaign-footers/ and
/help/customize-your-footer-content/). :func:`mailchimp_html` adds what the author left out,
once: a body that has them keeps its own.

Odoo's HTML sanitizer escapes the pipes of a merge tag inside a link (``href="*%7CUNSUB%7C*"``);
:func:`restore_merge_tags` puts them back, and the checks below read the restored text.
"""
import re
from html import escape

UNSUBSCRIBE = "unsubscribe"
ADDRESS = "address"
REWARDS = "rewards"

UNSUB_TAG = "*|UNSUB|*"
ADDRESS_TAG = "*|HTML:LIST_ADDRESS_HTML|*"
REWARDS_TAG = "*|REWARDS|*"
# Any of these gives the postal address Mailchimp requires (its list of address merge tags).
ADDRESS_TAGS = ("LIST:ADDRESS", "LIST:ADDRESSLINE", "LIST:ADDRESS_VCARD", "HTML:LIST_ADDRESS",
                "HTML:LIST_ADDRESS_HTML", "LIST:ADDRESS_HTML")
REWARDS_TAGS = ("REWARDS", "REWARDS_TEXT")
FREE_PLAN = "forever_free"  # ``pricing_plan_type`` of ``GET /`` for the Free plan

_PIPE = r"(?:\||%7C|&#124;|&#x7c;)"
_ESCAPED_TAG = re.compile(r"\*" + _PIPE + r"([A-Za-z0-9_:]+)" + _PIPE + r"\*", re.IGNORECASE)
_TAG = re.compile(r"\*\|([A-Za-z0-9_:]+)\|\*")
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def restore_merge_tags(html: str) -> str:
    """``*%7CUNSUB%7C*`` (a merge tag whose pipes an editor or sanitizer escaped) back to ``*|UNSUB|*``."""
    return _ESCAPED_TAG.sub(lambda match: f"*|{match.group(1)}|*", html or "")


def merge_tags(html: str) -> set:
    """The merge tag names in ``html`` (upper case), escaped pipes read as pipes."""
    return {name.upper() for name in _TAG.findall(restore_merge_tags(html))}


def missing_footer_parts(html: str, *, free_plan: bool = False) -> list:
    """What of Mailchimp's required footer ``html`` lacks: ``unsubscribe``, ``address``, ``rewards`` (Free plan)."""
    tags = merge_tags(html)
    missing = []
    if "UNSUB" not in tags:
        missing.append(UNSUBSCRIBE)
    if not tags.intersection(ADDRESS_TAGS):
        missing.append(ADDRESS)
    if free_plan and not tags.intersection(REWARDS_TAGS):
        missing.append(REWARDS)
    return missing


def footer_html(parts, *, unsubscribe_label: str = "Unsubscribe", address_label: str = "Our mailing address is:") \
        -> str:
    """The footer giving ``parts`` (as :func:`missing_footer_parts` names them); empty when there is none."""
    lines = []
    if UNSUBSCRIBE in parts:
        lines.append(f'<a href="{UNSUB_TAG}">{escape(unsubscribe_label)}</a>')
    if ADDRESS in parts:
        lines.append(f"{escape(address_label)}<br/>{ADDRESS_TAG}")
    if REWARDS in parts:
        lines.append(REWARDS_TAG)
    if not lines:
        return ""
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    return f'<div class="mailchimp-footer" style="font-size:12px;color:#656565;text-align:center;">{paragraphs}</div>'


def mailchimp_html(html: str, *, free_plan: bool = False, **labels) -> str:
    """``html`` with its merge tags restored and the missing parts of the required footer added at its end
    (before ``</body>`` in a whole document). A body that has them all comes back with its tags restored only.
    """
    html = restore_merge_tags(html)
    footer = footer_html(missing_footer_parts(html, free_plan=free_plan), **labels)
    if not footer:
        return html
    ends = list(_BODY_END.finditer(html))
    if ends:
        at = ends[-1].start()
        return html[:at] + footer + html[at:]
    return html + footer
