"""SMS sign-ups forwarded by the SMS gateway (mailchimp_sync.sms_signup)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mailchimp_sync.const import MAX_SMS_MESSAGE_CHARS
from mailchimp_sync.sms_signup import (
    NO_EMAIL_REASON,
    SmsSignup,
    SmsSignupError,
    find_email,
    normalize_phone,
    parse_sms_date,
    parse_sms_signup,
)
from mailchimp_sync.webhooks import WebhookError

WARSAW_SUMMER = timezone(timedelta(hours=2))


def refused(message, **kwargs):
    with pytest.raises(SmsSignupError) as caught:
        parse_sms_signup(message, **kwargs)
    return caught.value


class TestSignup:
    def test_email_with_noise_number_and_date(self):
        signup = parse_sms_signup("Zapisz mnie: jan.kowalski@example.pl dzięki!", "500600700", "2025-06-30 16:45:00")
        assert signup == SmsSignup(email="jan.kowalski@example.pl", phone="+48500600700",
                                   received_at=signup.received_at,
                                   message="Zapisz mnie: jan.kowalski@example.pl dzięki!")
        assert signup.received_at == datetime(2025, 6, 30, 16, 45, tzinfo=WARSAW_SUMMER)

    def test_phone_and_date_are_optional(self):
        signup = parse_sms_signup("anna@example.pl")
        assert (signup.email, signup.phone, signup.received_at) == ("anna@example.pl", None, None)

    def test_unreadable_phone_and_date_are_none_not_errors(self):
        signup = parse_sms_signup("anna@example.pl", "#NUMER#", "#DATA#")
        assert (signup.phone, signup.received_at) == (None, None)

    def test_error_is_a_400_webhook_error(self):
        error = refused("Zapisz mnie proszę")
        assert isinstance(error, WebhookError)
        assert (error.status, error.reason, str(error)) == (400, NO_EMAIL_REASON, "no valid email address in message")


class TestFindEmail:
    @pytest.mark.parametrize("message, email", [
        ("Zapisz mnie: jan.kowalski@example.pl dzięki!", "jan.kowalski@example.pl"),
        ("jan.kowalski@example.pl", "jan.kowalski@example.pl"),
        ("  mail:ola@example.pl.  ", "ola@example.pl"),
        ("newsletter (ola@example.pl), pozdrawiam", "ola@example.pl"),
        ("<ola@example.pl>;", "ola@example.pl"),
        ("„ola@example.pl”!!!", "ola@example.pl"),
        ("mailto:ola@example.pl?", "ola@example.pl"),
        ("ola+news@example.pl", "ola+news@example.pl"),
        ("*ola@example.pl* -ola2@example.pl", "ola@example.pl"),
        ("...ola@example.pl...", "ola@example.pl"),
        ("Ola@Example.PL", "Ola@example.pl"),
        ("adres: kasia@żółw.pl", "kasia@xn--w-uga1v8h.pl"),
        ("TAK\nkasia@example.com\nKasia", "kasia@example.com"),
    ])
    def test_address_in_noise(self, message, email):
        assert find_email(message) == email
        assert parse_sms_signup(message).email == email

    def test_two_emails_first_valid_wins(self):
        assert find_email("a@example.pl lub b@example.pl") == "a@example.pl"
        assert find_email("zły@@adres, jan@bez-kropki, ola..x@example.pl, b@example.pl i c@example.pl") == (
            "b@example.pl")
        assert find_email("jörg@example.de albo jorg@example.de") == "jorg@example.de"

    @pytest.mark.parametrize("message", [
        "Zapisz mnie", "jan.kowalski(at)example.pl", "@example.pl", "jan@", "jan@localhost", "a@b",
        "@@@@", "STOP", "12345", "\u200b",
    ])
    def test_no_valid_email(self, message):
        assert find_email(message) is None
        assert refused(message).reason == NO_EMAIL_REASON


class TestBadMessages:
    @pytest.mark.parametrize("message", [None, "", "   ", 42, b"jan@example.pl"])
    def test_missing_message(self, message):
        assert refused(message).status == 400

    def test_too_long(self):
        assert parse_sms_signup("jan@example.pl " + "x" * (MAX_SMS_MESSAGE_CHARS - 15)).email == "jan@example.pl"
        error = refused("jan@example.pl " + "x" * MAX_SMS_MESSAGE_CHARS)
        assert error.status == 413

    def test_nul_character(self):
        assert refused("jan@example.pl\x00").status == 400

    def test_garbage_kept_verbatim_when_an_address_is_found(self):
        message = "<script>x</script>'; DROP TABLE res_partner;-- jan@example.pl \U0001F600"
        assert parse_sms_signup(message).message == message


class TestPhone:
    @pytest.mark.parametrize("phone", [
        "500600700", "+48500600700", "0048500600700", "48500600700", " 500 600 700 ", "+48 500-600-700",
        " 48500600700", "(+48) 500 600 700",
    ])
    def test_polish_mobile_with_and_without_prefix(self, phone):
        assert normalize_phone(phone) == "+48500600700"
        assert parse_sms_signup("jan@example.pl", phone).phone == "+48500600700"

    def test_polish_landline(self):
        assert normalize_phone("22 123 45 67") == "+48221234567"

    def test_foreign_numbers(self):
        assert normalize_phone("+4915112345678") == "+4915112345678"
        assert normalize_phone("4915112345678") == "+4915112345678"  # the gateway dropped the +
        assert normalize_phone("015112345678", default_region="DE") == "+4915112345678"

    @pytest.mark.parametrize("phone", [None, "", "   ", "abc", "#NUMER#", "123", "+48 12", "500600700" * 10,
                                       "+999123456789"])
    def test_unparsable_is_none(self, phone):
        assert normalize_phone(phone) is None


class TestDate:
    def test_serwersms_format_is_polish_local_time(self):
        assert parse_sms_date("2025-01-20 12:00:00") == datetime(2025, 1, 20, 11, 0, tzinfo=UTC)
        assert parse_sms_date("2025-06-30 16:45:00") == datetime(2025, 6, 30, 14, 45, tzinfo=UTC)
        assert parse_sms_date(" 2025-06-30 16:45 ").utcoffset() == timedelta(hours=2)

    def test_explicit_offset_is_kept(self):
        assert parse_sms_date("2025-06-30T16:45:00+00:00") == datetime(2025, 6, 30, 16, 45, tzinfo=UTC)

    def test_other_zone(self):
        assert parse_sms_date("2025-06-30 16:45:00", "UTC").utcoffset() == timedelta(0)

    @pytest.mark.parametrize("date", [None, "", "#DATA#", "30.06.2025 16:45", "2025-13-01 00:00:00", "wczoraj",
                                      "2025-06-30 16:45:00" * 5])
    def test_unknown_is_none(self, date):
        assert parse_sms_date(date) is None

    def test_unknown_zone_gives_none(self):
        assert parse_sms_date("2025-06-30 16:45:00", "Nowhere/Atlantis") is None
