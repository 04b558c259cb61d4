"""Render a company's representatives (its child contacts) into merge tag columns.

The administrator lists representative fields, each a
:class:`~.datatypes.RepresentativeField` ``(field_name, merge_tag, sequence)``;
``field_name`` is any char field of the contact (``name``, ``function``,
``email``, ``phone``, ``mobile``, ...). Fields without a merge tag are not synced.

Column format (one Mailchimp text merge field per merge tag):

* per contact: the values of that tag's fields, in ``sequence`` order (ties broken
  by field name), joined by ``", "``; empty values are skipped and a contact with
  no value at all for the tag is left out of that column;
* contacts: joined by ``"; "`` in the order they are given (the Odoo layer passes
  them in a stable order, so the column does not change between syncs);
* whitespace inside a value (new lines included) is collapsed to single spaces;
  values are not escaped: the column is meant to be read by people in e-mails;
* the column is cut to the merge field size (default 255) so that the whole value,
  including the closing ``"…"``, fits; every cut is reported.

Example, fields ``name`` (10), ``function`` (20), ``email`` (30) all on ``REPS``::

    Jane Doe, CFO, jane@acme.pl; John Roe, CEO
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .const import DEFAULT_TEXT_SIZE, ELLIPSIS
from .datatypes import RepresentativeColumns, RepresentativeData, RepresentativeField  # also re-exported for callers

VALUE_SEPARATOR = ", "
CONTACT_SEPARATOR = "; "


def truncate_to_size(text: str, size: int) -> tuple[str, bool]:
    """Cut ``text`` to at most ``size`` characters ending with "…"; also say if it was cut."""
    if len(text) <= size:
        return text, False
    return text[: max(size - len(ELLIPSIS), 0)] + ELLIPSIS, True


def fields_by_merge_tag(fields: Sequence[RepresentativeField]) -> dict[str, list[str]]:
    """Group the synced field names by merge tag, each group in sequence order."""
    grouped: dict[str, list[str]] = {}
    for rep_field in sorted(fields, key=lambda f: (f.sequence, f.field_name)):
        if rep_field.merge_tag:
            grouped.setdefault(rep_field.merge_tag, []).append(rep_field.field_name)
    return grouped


def render_column(representatives: Sequence[RepresentativeData], field_names: Sequence[str]) -> str:
    """Render one column (before truncation) in the documented format."""
    per_contact = (
        VALUE_SEPARATOR.join(value for value in map(rep.value_of, field_names) if value)
        for rep in representatives
    )
    return CONTACT_SEPARATOR.join(text for text in per_contact if text)


def render_representative_columns(
    representatives: Sequence[RepresentativeData],
    fields: Sequence[RepresentativeField],
    sizes: Mapping[str, int | None] | None = None,
) -> RepresentativeColumns:
    """Render every mapped merge tag; ``sizes`` gives each tag's limit (default 255).

    A tag mapped in ``fields`` always gets a column, ``""`` when no contact has a
    value, so that Mailchimp forgets representatives removed in Odoo.
    """
    return render_columns(representatives, fields_by_merge_tag(fields), sizes)


def render_columns(
    representatives: Sequence[RepresentativeData],
    grouped: Mapping[str, Sequence[str]],
    sizes: Mapping[str, int | None] | None = None,
) -> RepresentativeColumns:
    """:func:`render_representative_columns` with the fields already grouped (:func:`fields_by_merge_tag`)."""
    sizes = sizes or {}
    values: dict[str, str] = {}
    truncated: list[str] = []
    for merge_tag, field_names in grouped.items():
        size = sizes.get(merge_tag) or DEFAULT_TEXT_SIZE
        values[merge_tag], was_cut = truncate_to_size(render_column(representatives, field_names), size)
        if was_cut:
            truncated.append(merge_tag)
    return RepresentativeColumns(values=values, truncated_tags=tuple(truncated))
