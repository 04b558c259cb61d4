"""Every language the add-on ships is complete against its catalogue, and its placeholders and tags are intact."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import po_check  # noqa: E402


@pytest.mark.parametrize("lang", po_check.LANGUAGES)
def test_each_language_translates_every_term_of_the_catalogue(lang):
    assert po_check.check((lang,))[lang] == []


def test_a_missing_term_an_empty_translation_and_a_lost_placeholder_are_found(tmp_path):
    catalogue = {"Sent to %(count)s": {}, "Hello": {}, "<b>Bold</b>": {}}
    translations = {
        "Sent to %(count)s": {"msgstr": ["Wysłano do"], "fuzzy": False},
        "<b>Bold</b>": {"msgstr": ["Pogrubione"], "fuzzy": False},
    }
    found = po_check.problems(catalogue, translations)
    assert found == ["placeholders differ: 'Sent to %(count)s' → 'Wysłano do'", "missing: 'Hello'",
                     "HTML tags differ: '<b>Bold</b>' → 'Pogrubione'"]


def test_the_reader_joins_continued_lines_and_reads_escapes(tmp_path):
    path = tmp_path / "x.po"
    path.write_text('msgid ""\nmsgstr ""\n"Language: pl\\n"\n\n#. module: m\nmsgid ""\n"Two "\n"lines \\"quoted\\""\n'
                    'msgstr "Dwie linie"\n\n#, fuzzy\nmsgid "Draft"\nmsgstr "Szkic"\n', encoding="utf-8")
    entries = po_check.read_po(path)
    assert entries['Two lines "quoted"']["msgstr"] == ["Dwie linie"]
    assert entries["Draft"]["fuzzy"] is True
