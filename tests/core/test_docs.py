"""The documentation holds together: the core's module list, in its ``__init__`` and in docs/architecture.md,
names every module once; every relative link and image of README.md and docs/*.md leads somewhere; the
README stays a user's document."""
import importlib.machinery
import importlib.util
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

import mailchimp_sync

CORE = Path(mailchimp_sync.__file__).parent
ROOT = CORE.parent
ARCHITECTURE = ROOT / "docs" / "architecture.md"
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]
MODULES = sorted(path.stem for path in CORE.glob("*.py") if path.stem != "__init__")

# [text](target) and ![alt](target), and <img src="target">; code spans and blocks are left out first.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|<img\s[^>]*\bsrc=\"([^\"]+)\"")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def test_the_core_package_docstring_lists_every_module_once():
    listed = re.findall(r"^\* ``(\w+)``: ", mailchimp_sync.__doc__, re.MULTILINE)
    assert sorted(listed) == MODULES


def test_the_architecture_lists_every_core_module_once():
    listed = re.findall(r"^\| `(\w+)\.py` \| ", ARCHITECTURE.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(listed) == MODULES


def prose(text):
    """The text without its code blocks and code spans (their brackets are no links)."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def anchors(path):
    """The anchors GitHub gives the headings of a Markdown file (lower case, punctuation dropped, blanks → -)."""
    seen, found = {}, set()
    for heading in re.findall(r"^#{1,6} (.+?)\s*$", FENCE.sub("", path.read_text(encoding="utf-8")), re.MULTILINE):
        slug = "".join(char for char in heading.lower()
                        if char in " -_" or unicodedata.category(char)[0] in "LN").replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if not count else f"{slug}-{count}")
    return found


def links(path):
    for match in LINK.finditer(prose(path.read_text(encoding="utf-8"))):
        target = match.group(1) or match.group(2)
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: lead outside
            yield target


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_and_image_leads_somewhere(document):
    broken = []
    for target in links(document):
        file_part, _, anchor = target.partition("#")
        destination = (document.parent / unquote(file_part)).resolve() if file_part else document
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no such heading in {destination.relative_to(ROOT)}")
    assert broken == []


def test_the_readme_shows_the_screenshots_and_each_image_is_used():
    shown = {Path(target).name for target in links(README) if target.startswith("docs/images/")}
    images = {path.name for path in (ROOT / "docs" / "images").glob("*.png")}
    assert shown == images
    assert {"settings.png", "audience.png", "sync_run.png", "customer_panel.png", "campaigns.png",
            "campaign_recipients.png", "campaign_send_check.png", "sms_group.png"} <= shown


def test_no_document_names_an_internal_issue_number():
    found = [f"{path.relative_to(ROOT)}: {line.strip()}" for path in DOCUMENTS
             for line in prose(path.read_text(encoding="utf-8")).splitlines()
             if re.search(r"\(#\d+\)|#\d+'s\b|\bissue \d+", line)]
    assert found == []


def test_the_readme_keeps_the_test_command_and_the_odoo_test_count():
    text = README.read_text(encoding="utf-8")
    assert "tools/test" in text and "tools/run" in text
    assert re.search(r"^Odoo tests: \d+ ran, 0 failed, 0 errors$", text, re.MULTILINE)


def test_every_image_is_made_by_the_screenshot_script():
    """So that every picture of the README can be remade after a change of the screens."""
    loader = importlib.machinery.SourceFileLoader("screenshots", str(ROOT / "tools" / "screenshots"))
    spec = importlib.util.spec_from_loader("screenshots", loader)
    script = importlib.util.module_from_spec(spec)
    loader.exec_module(script)
    images = {path.stem for path in (ROOT / "docs" / "images").glob("*.png")}
    assert set(script.SHOTS) == images
