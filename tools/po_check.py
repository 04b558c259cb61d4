#!/usr/bin/env python3
"""Check the add-on's translations against its catalogue, without Odoo or Babel.

``tools/po_check.py [LANG ...]`` reads ``i18n/mailchimp_sync.pot`` and each language's
``i18n/<lang>.po`` and prints, per language, every term of the catalogue that is missing,
untranslated or fuzzy, and every translation whose placeholders (``%s``, ``%(name)s``,
``{name}``) or HTML tags differ from its term. Exit status 1 when anything is found.
The framework-free test ``tests/core/test_i18n.py`` runs the same check.
"""
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "i18n" / "mailchimp_sync.pot"
LANGUAGES = ("pl", "bg", "nl", "el", "ru")

_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdrfi]|%[sdrfi]|\{[A-Za-z_][A-Za-z0-9_]*\}")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(line):
    match = _STRING.search(line)
    if not match:
        raise ValueError(f"not a quoted string: {line!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), match.group(1))


def read_po(path):
    """``{msgid: Entry}`` of a .po/.pot file; an entry is a dict with ``msgstr`` (a list: one per plural
    form) and ``fuzzy``. The header (empty msgid) is left out."""
    entries, entry, field = {}, None, None

    def close():
        if entry is not None and entry.get("msgid"):
            entries[entry["msgid"]] = entry

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#,"):
            close()
            entry, field = {"msgid": "", "msgstr": [], "fuzzy": "fuzzy" in line}, None
            continue
        if line.startswith("#"):
            continue
        if line.startswith("msgid "):
            if entry is None or field is not None:
                close()
                entry = {"msgid": "", "msgstr": [], "fuzzy": False}
            entry["msgid"], field = _unquote(line), "msgid"
        elif line.startswith("msgid_plural "):
            entry["msgid_plural"], field = _unquote(line), "msgid_plural"
        elif line.startswith("msgstr"):
            entry["msgstr"].append(_unquote(line))
            field = "msgstr"
        elif line.startswith("msgctxt "):
            close()
            entry, field = {"msgid": "", "msgstr": [], "fuzzy": False, "msgctxt": _unquote(line)}, None
        elif line.startswith('"'):
            if field == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            elif field:
                entry[field] += _unquote(line)
    close()
    return entries


def placeholders(text):
    return Counter(_PLACEHOLDER.findall(text))


def tags(text):
    return Counter(name.lower() for name in _TAG.findall(text))


def problems(catalogue, translations):
    """What a language's ``translations`` lack or get wrong against the ``catalogue`` (both from :func:`read_po`),
    one sentence each."""
    found = []
    for msgid in catalogue:
        entry = translations.get(msgid)
        if entry is None:
            found.append(f"missing: {msgid!r}")
            continue
        if entry["fuzzy"] or not entry["msgstr"] or not all(part.strip() for part in entry["msgstr"]):
            found.append(f"untranslated or fuzzy: {msgid!r}")
            continue
        for translated in entry["msgstr"]:
            if placeholders(translated) != placeholders(msgid):
                found.append(f"placeholders differ: {msgid!r} → {translated!r}")
            elif tags(translated) != tags(msgid):
                found.append(f"HTML tags differ: {msgid!r} → {translated!r}")
    return found


def check(languages=LANGUAGES):
    """``{lang: [problem, ...]}`` for each language (a file that does not exist is one problem)."""
    catalogue = read_po(CATALOGUE)
    result = {}
    for lang in languages:
        path = ROOT / "i18n" / f"{lang}.po"
        result[lang] = problems(catalogue, read_po(path)) if path.exists() else [f"no file {path.name}"]
    return result


def main(argv):
    result = check(tuple(argv) or LANGUAGES)
    for lang, found in result.items():
        print(f"{lang}: {len(found)} problem(s)")
        for problem in found[:50]:
            print(f"  {problem}")
        if len(found) > 50:
            print(f"  … and {len(found) - 50} more")
    return 1 if any(result.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
