"""Member state machine, validation, paging and field filtering of the Mailchimp stand-in."""

import hashlib

import pytest


LIST_ID = "a1b2c3d4e5"
WHOLESALE = "1a2b3c4d01"


def md5(email):
    return hashlib.md5(email.lower().encode()).hexdigest()


@pytest.fixture
def members_url(srv):
    return f"{srv.base_url}/lists/{LIST_ID}/members"


def assert_problem(response, status, title, detail=None):
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json; charset=utf-8"
    body = response.json()
    assert body["title"] == title
    assert body["status"] == status
    if detail is not None:
        assert body["detail"] == detail
    return body


def put_member(http, members_url, email, **body):
    return http.put(f"{members_url}/{md5(email)}", json={"email_address": email, **body})


class TestUpsertAndAdd:
    def test_put_creates_new_member_with_status_if_new(self, http, members_url):
        response = put_member(http, members_url, "Urist.McVankab@freddiesjokes.com",
                              status_if_new="subscribed",
                              merge_fields={"FNAME": "Urist", "PHONE": "+48500600700"},
                              interests={WHOLESALE: True}, language="pl")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        member = response.json()
        assert member["id"] == "62eeb292278cc15f5817cb78f7790b08"
        assert member["email_address"] == "Urist.McVankab@freddiesjokes.com"
        assert member["status"] == "subscribed"
        assert member["merge_fields"]["FNAME"] == "Urist"
        assert member["merge_fields"]["LNAME"] == ""
        assert member["full_name"] == "Urist"
        assert member["interests"] == {WHOLESALE: True, "1a2b3c4d02": False, "1a2b3c4d03": False}
        assert member["list_id"] == LIST_ID
        assert member["last_changed"].endswith("+00:00")
        assert len(member["unique_email_id"]) == 10 and isinstance(member["web_id"], int)

    def test_put_new_member_without_status_is_rejected(self, http, members_url):
        response = put_member(http, members_url, "nobody@acme-demo.pl", merge_fields={"FNAME": "N"})
        body = assert_problem(response, 400, "Invalid Resource")
        assert body["errors"][0]["field"] == "status_if_new"

    def test_put_accepts_email_in_path(self, http, members_url):
        response = http.put(f"{members_url}/new.one@acme-demo.pl",
                            json={"email_address": "new.one@acme-demo.pl", "status_if_new": "pending"})
        assert response.status_code == 200
        assert http.get(f"{members_url}/{md5('new.one@acme-demo.pl')}").json()["status"] == "pending"

    def test_post_existing_member_is_member_exists(self, http, members_url):
        response = http.post(members_url, json={"email_address": "jan.kowalski@acme-demo.pl",
                                                "status": "subscribed"})
        assert_problem(response, 400, "Member Exists",
                       "jan.kowalski@acme-demo.pl is already a list member. "
                       "Use PUT to insert or update list members.")

    def test_post_requires_status(self, http, members_url):
        response = http.post(members_url, json={"email_address": "fresh@acme-demo.pl"})
        assert assert_problem(response, 400, "Invalid Resource")["errors"][0]["field"] == "status"

    def test_get_unknown_member_is_404(self, http, members_url):
        assert_problem(http.get(f"{members_url}/{md5('ghost@acme-demo.pl')}"), 404,
                       "Resource Not Found", "The requested resource could not be found.")


class TestComplianceAndArchive:
    def test_user_side_unsubscribe_blocks_api_resubscribe_but_allows_pending(
            self, srv, http, members_url):
        email = "jan.kowalski@acme-demo.pl"
        srv.store.user_unsubscribe(LIST_ID, email, source="user")
        response = http.patch(f"{members_url}/{md5(email)}", json={"status": "subscribed"})
        assert_problem(response, 400, "Member In Compliance State",
                       f"{email} is in a compliance state due to unsubscribe, bounce, or "
                       "compliance review and cannot be subscribed.")
        response = put_member(http, members_url, email, status="subscribed", status_if_new="subscribed")
        assert_problem(response, 400, "Member In Compliance State")
        response = put_member(http, members_url, email, status="pending")
        assert response.status_code == 200 and response.json()["status"] == "pending"

    def test_cleaned_member_cannot_be_resubscribed(self, http, members_url):
        response = put_member(http, members_url, "tomasz.wojcik@acme-demo.pl", status="subscribed")
        assert_problem(response, 400, "Member In Compliance State")

    def test_api_unsubscribe_can_be_undone_by_api(self, http, members_url):
        email = "piotr.zielinski@acme-demo.pl"
        assert put_member(http, members_url, email, status="unsubscribed").json()["status"] == "unsubscribed"
        assert put_member(http, members_url, email, status="subscribed").json()["status"] == "subscribed"

    def test_delete_archives_and_put_with_status_restores(self, http, members_url):
        url = f"{members_url}/{md5('piotr.zielinski@acme-demo.pl')}"
        response = http.delete(url)
        assert response.status_code == 204
        assert response.content == b""
        assert response.headers["Content-Length"] == "0"
        assert http.get(url).json()["status"] == "archived"
        listed = http.get(members_url, params={"count": 100}).json()
        assert md5("piotr.zielinski@acme-demo.pl") not in {m["id"] for m in listed["members"]}
        archived = http.get(members_url, params={"status": "archived"}).json()
        assert archived["total_items"] == 1
        assert_problem(http.put(url, json={"email_address": "piotr.zielinski@acme-demo.pl"}),
                       400, "Invalid Resource")
        restored = http.put(url, json={"email_address": "piotr.zielinski@acme-demo.pl",
                                       "status": "subscribed"})
        assert restored.status_code == 200 and restored.json()["status"] == "subscribed"

    def test_delete_permanent_forgets_email(self, srv, http, members_url):
        email = "maria.wisniewska@acme-demo.pl"
        response = http.post(f"{members_url}/{md5(email)}/actions/delete-permanent")
        assert response.status_code == 204 and response.content == b""
        assert http.get(f"{members_url}/{md5(email)}").status_code == 404
        detail = (f"{email} was permanently deleted and cannot be re-imported. "
                  "The contact must re-subscribe to get back on the list.")
        assert_problem(put_member(http, members_url, email, status_if_new="subscribed"),
                       400, "Forgotten Email Not Subscribed", detail)
        assert_problem(http.post(members_url, json={"email_address": email, "status": "pending"}),
                       400, "Forgotten Email Not Subscribed", detail)
        srv.store.user_subscribe(LIST_ID, email)
        assert http.get(f"{members_url}/{md5(email)}").json()["status"] == "subscribed"


class TestLastChanged:
    def test_every_write_moves_last_changed_and_since_filter_uses_it(self, srv, http, members_url):
        email = "piotr.zielinski@acme-demo.pl"
        first = put_member(http, members_url, email, merge_fields={"FNAME": "Piotrek"}).json()
        srv.store.advance_clock(5)
        second = http.patch(f"{members_url}/{md5(email)}", json={"language": "en"}).json()
        srv.store.advance_clock(5)
        http.post(f"{members_url}/{md5(email)}/tags", json={"tags": [{"name": "B2B", "status": "active"}]})
        third = http.get(f"{members_url}/{md5(email)}").json()
        assert first["last_changed"] < second["last_changed"] < third["last_changed"]
        recent = http.get(members_url, params={"since_last_changed": second["last_changed"]}).json()
        assert [m["email_address"] for m in recent["members"]] == [email]
        older = http.get(members_url, params={"before_last_changed": second["last_changed"]}).json()
        assert email not in [m["email_address"] for m in older["members"]]


class TestValidation:
    @pytest.mark.parametrize("email", ["not-an-email", "someone@localhost", "x@example.invalid",
                                       "two@@acme.pl", "x@shop.test"])
    def test_fake_or_invalid_email(self, http, members_url, email):
        response = http.post(members_url, json={"email_address": email, "status": "subscribed"})
        assert_problem(response, 400, "Invalid Resource",
                       f"{email} looks fake or invalid, please enter a real email address.")

    def test_bad_merge_values(self, srv, http, members_url):
        srv.store.add_merge_field(LIST_ID, {"tag": "LTV", "name": "Lifetime value", "type": "number"})
        response = http.post(members_url, json={
            "email_address": "new@acme-demo.pl", "status": "subscribed",
            "merge_fields": {"LTV": "a lot", "REPS": "x" * 256}})
        body = assert_problem(response, 400, "Invalid Resource", "Your merge fields were invalid.")
        fields = {error["field"]: error["message"] for error in body["errors"]}
        assert fields["LTV"] == "Please enter a number"
        assert set(fields) == {"LTV", "REPS"}
        assert srv.store.get_member(LIST_ID, "new@acme-demo.pl") is None

    def test_text_up_to_size_and_unknown_tags_are_accepted(self, http, members_url):
        response = http.post(members_url, json={
            "email_address": "new@acme-demo.pl", "status": "subscribed",
            "merge_fields": {"REPS": "x" * 255, "NOSUCHTAG": "ignored"}})
        assert response.status_code == 200
        assert "NOSUCHTAG" not in response.json()["merge_fields"]

    def test_required_merge_field_and_skip_merge_validation(self, srv, http, members_url):
        srv.store.add_merge_field(LIST_ID, {"tag": "NIP", "name": "Tax id", "type": "text",
                                            "required": True})
        body = {"email_address": "new@acme-demo.pl", "status": "subscribed"}
        assert_problem(http.post(members_url, json=body), 400, "Invalid Resource")
        for index, spelling in enumerate(("True", "true")):
            body["email_address"] = f"new{index}@acme-demo.pl"
            response = http.post(members_url, json=body, params={"skip_merge_validation": spelling})
            assert response.status_code == 200

    def test_unknown_interest_id(self, http, members_url):
        response = http.post(members_url, json={"email_address": "new@acme-demo.pl",
                                                "status": "subscribed", "interests": {"deadbeef00": True}})
        assert_problem(response, 400, "Invalid Resource", "Invalid interest ID: 'deadbeef00'")

    def test_malformed_json(self, http, members_url):
        response = http.post(members_url, data=b"{not json", headers={"Content-Type": "application/json"})
        assert_problem(response, 400, "JSON Parse Error")


class TestPagingAndFields:
    def test_count_offset_and_total_items(self, srv, http, members_url):
        for index in range(12):
            srv.store.seed_member(LIST_ID, f"bulk{index:02d}@acme-demo.pl")
        first = http.get(members_url).json()
        assert first["total_items"] == 21 and len(first["members"]) == 10
        second = http.get(members_url, params={"count": 20, "offset": 10}).json()
        assert len(second["members"]) == 11
        emails = [m["email_address"] for m in first["members"] + second["members"]]
        assert len(set(emails)) == 21
        subscribed = http.get(members_url, params={"status": "subscribed", "count": 1000}).json()
        assert subscribed["total_items"] == 19

    def test_count_above_1000_is_rejected(self, http, members_url):
        body = assert_problem(http.get(members_url, params={"count": 1001}), 400, "Invalid Resource")
        assert body["errors"][0]["field"] == "count"
        assert http.get(members_url, params={"count": 1000}).status_code == 200

    def test_fields_and_exclude_fields_with_dot_paths(self, http, members_url):
        only = http.get(members_url, params={
            "fields": "members.email_address,members.merge_fields.FNAME,total_items"}).json()
        assert set(only) == {"members", "total_items"}
        assert only["members"][0] == {"email_address": "jan.kowalski@acme-demo.pl",
                                      "merge_fields": {"FNAME": "Jan"}}
        without = http.get(members_url, params={
            "exclude_fields": "members._links,members.merge_fields,_links"}).json()
        assert "_links" not in without and "merge_fields" not in without["members"][0]
        assert without["members"][0]["email_address"] == "jan.kowalski@acme-demo.pl"

    def test_list_stats(self, http, srv):
        lists = http.get(f"{srv.base_url}/lists").json()
        assert lists["total_items"] == 1 and "constraints" in lists
        stats = lists["lists"][0]["stats"]
        assert (stats["member_count"], stats["unsubscribe_count"], stats["cleaned_count"]) == (7, 1, 1)


class TestTagsAndActivity:
    def test_member_tags_round_trip(self, http, members_url):
        url = f"{members_url}/{md5('piotr.zielinski@acme-demo.pl')}/tags"
        response = http.post(url, json={"tags": [{"name": "VIP", "status": "active"},
                                                 {"name": "B2B", "status": "active"}]})
        assert response.status_code == 204 and response.content == b""
        assert {t["name"] for t in http.get(url).json()["tags"]} == {"VIP", "B2B"}
        http.post(url, json={"tags": [{"name": "VIP", "status": "inactive"}]})
        tags = http.get(url).json()
        assert [t["name"] for t in tags["tags"]] == ["B2B"] and tags["total_items"] == 1

    def test_create_list_validation(self, http, srv):
        response = http.post(f"{srv.base_url}/lists", json={"name": "X", "contact": {"company": "A"}})
        body = assert_problem(response, 400, "Invalid Resource")
        fields = {e["field"] for e in body["errors"]}
        assert {"permission_reminder", "email_type_option", "campaign_defaults",
                "contact.address1", "contact.city", "contact.country"} <= fields
        created = http.post(f"{srv.base_url}/lists", json={
            "name": "Newsletter", "permission_reminder": "You signed up", "email_type_option": False,
            "contact": {"company": "Acme", "address1": "Ul. Prosta 1", "city": "Warszawa", "country": "PL"},
            "campaign_defaults": {"from_name": "Acme", "from_email": "news@acme.pl", "subject": "",
                                  "language": "pl"}})
        assert created.status_code == 200
        merge_tags = [f["tag"] for f in http.get(
            f"{srv.base_url}/lists/{created.json()['id']}/merge-fields").json()["merge_fields"]]
        assert merge_tags[:4] == ["FNAME", "LNAME", "ADDRESS", "PHONE"]


GENERIC_DETAIL = ("The resource submitted could not be validated. "
                  "For field-specific details, see the 'errors' array.")


def not_subscribed_message(status):
    return (f'This member\'s status is "{status}." '
            'You can only update email addresses for members with a status of "subscribed."')


class TestAddressChange:
    """A new ``email_address`` on PUT/PATCH: only subscribed members, only onto a free address.

    Sources: https://github.com/ibericode/mailchimp-user-sync/issues/96 (the message for a
    cleaned member), recorded answers for unsubscribed members (same sentence, title
    "Invalid Resource", generic detail, field "email address"), and
    https://github.com/brandonseydel/MailChimp.Net/issues/201 (a new address held by a
    deleted/archived member is refused: '"<email>" is already in this list with a status
    of "…".'). See ``standins/mailchimp/errors.py``.
    """

    def test_subscribed_member_can_change_address(self, srv, http, members_url):
        response = http.patch(f"{members_url}/{md5('jan.kowalski@acme-demo.pl')}",
                              json={"email_address": "jan.k@acme-demo.pl"})
        assert response.status_code == 200
        assert response.json()["id"] == md5("jan.k@acme-demo.pl")
        assert srv.store.get_member(LIST_ID, "jan.kowalski@acme-demo.pl") is None

    @pytest.mark.parametrize("email, status", [
        ("ewa.lewandowska@acme-demo.pl", "unsubscribed"),
        ("tomasz.wojcik@acme-demo.pl", "cleaned"),
    ])
    def test_only_subscribed_members_change_address(self, srv, http, members_url, email, status):
        for send in (http.patch, http.put):
            response = send(f"{members_url}/{md5(email)}", json={"email_address": "new.addr@acme-demo.pl"})
            body = assert_problem(response, 400, "Invalid Resource", GENERIC_DETAIL)
            assert body["errors"] == [{"field": "email address", "message": not_subscribed_message(status)}]
        assert srv.store.get_member(LIST_ID, email)["status"] == status
        assert srv.store.get_member(LIST_ID, "new.addr@acme-demo.pl") is None

    def test_pending_and_archived_members_cannot_change_address(self, srv, http, members_url):
        put_member(http, members_url, "waiting@acme-demo.pl", status_if_new="pending")
        response = http.patch(f"{members_url}/{md5('waiting@acme-demo.pl')}",
                              json={"email_address": "waiting2@acme-demo.pl"})
        assert assert_problem(response, 400, "Invalid Resource")["errors"][0]["message"] == (
            not_subscribed_message("pending"))
        url = f"{members_url}/{md5('piotr.zielinski@acme-demo.pl')}"
        assert http.delete(url).status_code == 204
        response = http.patch(url, json={"email_address": "piotr.z@acme-demo.pl"})
        assert assert_problem(response, 400, "Invalid Resource")["errors"][0]["message"] == (
            not_subscribed_message("archived"))

    def test_letter_case_change_is_not_an_address_change(self, http, members_url):
        response = http.patch(f"{members_url}/{md5('ewa.lewandowska@acme-demo.pl')}",
                              json={"email_address": "Ewa.Lewandowska@acme-demo.pl"})
        assert response.status_code == 200
        assert response.json()["status"] == "unsubscribed"

    def test_new_address_of_another_member_is_refused(self, srv, http, members_url):
        response = http.patch(f"{members_url}/{md5('jan.kowalski@acme-demo.pl')}",
                              json={"email_address": "Maria.Wisniewska@acme-demo.pl"})
        body = assert_problem(response, 400, "Invalid Resource", GENERIC_DETAIL)
        assert body["errors"] == [{"field": "email address", "message":
                                   '"Maria.Wisniewska@acme-demo.pl" is already in this list '
                                   'with a status of "subscribed".'}]
        assert srv.store.get_member(LIST_ID, "jan.kowalski@acme-demo.pl")["status"] == "subscribed"

    def test_new_address_of_an_archived_member_is_refused(self, srv, http, members_url):
        assert http.delete(f"{members_url}/{md5('maria.wisniewska@acme-demo.pl')}").status_code == 204
        response = put_member(http, members_url, "jan.kowalski@acme-demo.pl",
                              email_address="maria.wisniewska@acme-demo.pl")
        body = assert_problem(response, 400, "Invalid Resource", GENERIC_DETAIL)
        assert body["errors"][0]["message"] == (
            '"maria.wisniewska@acme-demo.pl" is already in this list with a status of "Deleted".')
        assert srv.store.get_member(LIST_ID, "maria.wisniewska@acme-demo.pl")["status"] == "archived"

    def test_new_address_that_was_permanently_deleted_is_refused(self, http, members_url):
        email = "maria.wisniewska@acme-demo.pl"
        http.post(f"{members_url}/{md5(email)}/actions/delete-permanent")
        response = http.patch(f"{members_url}/{md5('jan.kowalski@acme-demo.pl')}",
                              json={"email_address": email})
        assert_problem(response, 400, "Forgotten Email Not Subscribed")


class TestArchivedMembersNeedStatus:
    """``status_if_new`` alone does not bring an archived member back; ``status`` does.

    Sources: https://github.com/tbar0970/jethro-pmm/issues/708 ("they are still
    'archived' ... changing status_if_new to status ... seems to fix it") and
    https://github.com/mailchimp/mc-woocommerce/issues/951 (update answered with
    status archived).
    """

    def test_put_with_status_if_new_updates_but_keeps_archived(self, srv, http, members_url):
        email = "piotr.zielinski@acme-demo.pl"
        http.delete(f"{members_url}/{md5(email)}")
        response = put_member(http, members_url, email, status_if_new="subscribed",
                              merge_fields={"FNAME": "Piotrek"})
        assert response.status_code == 200
        member = response.json()
        assert (member["status"], member["merge_fields"]["FNAME"]) == ("archived", "Piotrek")
        assert srv.store.get_member(LIST_ID, email)["status"] == "archived"
        body = assert_problem(put_member(http, members_url, email, status_if_new="bogus"),
                              400, "Invalid Resource")
        assert body["errors"][0]["field"] == "status_if_new"
        revived = put_member(http, members_url, email, status="subscribed", status_if_new="subscribed")
        assert revived.json()["status"] == "subscribed"


class TestCleanedMembersKeepTheirStatus:
    """A cleaned member cannot be given another status through the API.

    Source: https://mailchimp.com/help/about-cleaned-contacts/ ("you can't edit them";
    "Because cleaned contact information can't be edited, you'll need to add the new,
    corrected address"). cleaned -> subscribed keeps "Member In Compliance State"
    (api-facts 1.5); the wording for the other statuses is GUESSED (listed in
    ``standins/mailchimp/errors.py``).
    """

    EMAIL = "tomasz.wojcik@acme-demo.pl"
    GUESSED = 'This member\'s status is "cleaned." The status of a cleaned member cannot be changed.'

    @pytest.mark.parametrize("status", ["unsubscribed", "pending", "transactional"])
    def test_put_and_patch_with_another_status_are_refused(self, srv, http, members_url, status):
        for response in (put_member(http, members_url, self.EMAIL, status=status),
                         http.patch(f"{members_url}/{md5(self.EMAIL)}", json={"status": status})):
            body = assert_problem(response, 400, "Invalid Resource", GENERIC_DETAIL)
            assert body["errors"] == [{"field": "status", "message": self.GUESSED}]
        assert srv.store.get_member(LIST_ID, self.EMAIL)["status"] == "cleaned"

    def test_subscribed_is_compliance_state_and_cleaned_or_no_status_is_fine(self, http, members_url):
        assert_problem(http.patch(f"{members_url}/{md5(self.EMAIL)}", json={"status": "subscribed"}),
                       400, "Member In Compliance State")
        response = put_member(http, members_url, self.EMAIL, status="cleaned", language="pl")
        assert response.status_code == 200 and response.json()["status"] == "cleaned"
        response = put_member(http, members_url, self.EMAIL, status_if_new="subscribed")
        assert response.status_code == 200 and response.json()["status"] == "cleaned"

    def test_cleaned_by_a_bounce_is_locked_too_and_can_still_be_archived(self, srv, http, members_url):
        srv.store.mark_cleaned(LIST_ID, "jan.kowalski@acme-demo.pl")
        url = f"{members_url}/{md5('jan.kowalski@acme-demo.pl')}"
        assert_problem(http.patch(url, json={"status": "unsubscribed"}), 400, "Invalid Resource")
        assert http.delete(url).status_code == 204


def test_gdpr_fields_show_on_every_member_and_updates_change_only_what_is_sent():
    import requests as http

    from mailchimp_sync.client import MailchimpClient
    from mailchimp_sync.credentials import Credentials
    from standins.mailchimp import StandinServer

    with StandinServer() as server:
        client = MailchimpClient(Credentials.from_api_key(server.api_key, base_url=server.base_url))
        list_id = client.get_lists()[0]["id"]
        http.post(f"{server.root_url}/_standin/lists/{list_id}/marketing-permissions", timeout=5, json={
            "permissions": [{"marketing_permission_id": "em1", "text": "Email"},
                            {"marketing_permission_id": "ad1", "text": "Customized online advertising"}]})
        member = client.upsert_member(list_id, "gdpr@example.com", {
            "email_address": "gdpr@example.com", "status_if_new": "subscribed",
            "marketing_permissions": [{"marketing_permission_id": "em1", "enabled": True}]})
        assert member["marketing_permissions"] == [
            {"marketing_permission_id": "em1", "text": "Email", "enabled": True},
            {"marketing_permission_id": "ad1", "text": "Customized online advertising", "enabled": False}]
        client.update_member(list_id, "gdpr@example.com", {
            "marketing_permissions": [{"marketing_permission_id": "ad1", "enabled": True}]})
        again = client.get_member(list_id, "gdpr@example.com")
        assert [entry["enabled"] for entry in again["marketing_permissions"]] == [True, True]
        assert client.get_list(list_id)["marketing_permissions"] is True
