from mailchimp_sync.representatives import (
    RepresentativeData,
    RepresentativeField,
    render_representative_columns,
    truncate_to_size,
)

JANE = RepresentativeData("Jane Doe", {"function": "CFO", "email": "jane@acme.pl", "mobile": "500 600 700"})
JOHN = RepresentativeData("John Roe", {"function": "CEO", "email": ""})

CONTACT_COLUMN = [
    RepresentativeField("email", "REPS", 30),
    RepresentativeField("name", "REPS", 10),
    RepresentativeField("function", "REPS", 20),
]


def test_fields_sharing_a_tag_are_grouped_in_sequence_order_and_contacts_joined():
    columns = render_representative_columns([JANE, JOHN], CONTACT_COLUMN)

    assert columns.values == {"REPS": "Jane Doe, CFO, jane@acme.pl; John Roe, CEO"}
    assert columns.truncated_tags == ()


def test_fields_without_merge_tag_are_not_synced():
    fields = [RepresentativeField("name", "REPNAMES", 1), RepresentativeField("mobile", None, 2)]

    columns = render_representative_columns([JANE, JOHN], fields)

    assert columns.values == {"REPNAMES": "Jane Doe; John Roe"}


def test_each_merge_tag_gets_its_own_column():
    fields = [RepresentativeField("name", "REPNAMES", 1), RepresentativeField("email", "REPMAILS", 2)]

    columns = render_representative_columns([JANE, JOHN], fields)

    assert columns.values == {"REPNAMES": "Jane Doe; John Roe", "REPMAILS": "jane@acme.pl"}


def test_a_mapped_tag_with_no_values_renders_empty_so_mailchimp_forgets_old_contacts():
    columns = render_representative_columns([], [RepresentativeField("name", "REPS", 1)])

    assert columns.values == {"REPS": ""}


def test_whitespace_inside_values_is_collapsed():
    rep = RepresentativeData("Jane\n  Doe", {"function": " Head of\nSales "})

    columns = render_representative_columns([rep], CONTACT_COLUMN)

    assert columns.values["REPS"] == "Jane Doe, Head of Sales"


def test_column_longer_than_the_field_is_cut_to_exact_size_with_ellipsis_and_reported():
    columns = render_representative_columns([JANE, JOHN], CONTACT_COLUMN, sizes={"REPS": 20})

    assert columns.values["REPS"] == "Jane Doe, CFO, jane…"
    assert len(columns.values["REPS"]) == 20
    assert columns.truncated_tags == ("REPS",)


def test_default_size_is_255():
    reps = [RepresentativeData(f"Contact number {index:03d}") for index in range(30)]

    columns = render_representative_columns(reps, [RepresentativeField("name", "REPS", 1)])

    assert len(columns.values["REPS"]) == 255
    assert columns.values["REPS"].endswith("…")
    assert columns.truncated_tags == ("REPS",)


def test_truncate_to_size_leaves_fitting_text_alone():
    assert truncate_to_size("exactly ten", 11) == ("exactly ten", False)
    assert truncate_to_size("exactly ten", 10) == ("exactly t…", True)
