"""The Inbox page and its settings (issue 13 items 1, 2, 4, 5), in Danish and English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from billbridge.mailin import services
from billbridge.mailin.models import (
    ImapMailbox,
    InboundMail,
    MailSource,
    MailStatus,
    NoBillReason,
)

pytestmark = pytest.mark.django_db


def _url(name, company) -> str:
    return reverse(f"mailin:{name}", kwargs={"company_id": company.pk})


def test_the_bills_page_shows_the_address_with_a_copy_button(logged_in_client, company):
    inbox = services.inbox_for(company)
    html = logged_in_client.get(reverse("web:bill_list", args=[company.pk])).content.decode()
    assert f'value="{inbox.address}"' in html
    assert "data-copy=" in html and "web/copy.js" in html


def test_the_inbox_lists_mails_newest_first_with_the_reason_in_danish(logged_in_client, company):
    envelope = services.Envelope(source=MailSource.SMTP, envelope_from="spam@example.net")
    services.record_refusal(company, envelope, NoBillReason.SENDER_NOT_ALLOWED, subject="Køb nu")
    InboundMail.objects.create(
        company=company, source=MailSource.SMTP, status=MailStatus.PROCESSED,
        reason=NoBillReason.NO_BILL, subject="Ses fredag", from_address="ven@example.dk",
        authentication={"dkim": {"result": "pass", "domain": "x.dk"}, "spf": {"result": "fail"}},
    )  # fmt: skip
    html = logged_in_client.get(_url("inbox", company)).content.decode()
    assert html.index("Ses fredag") < html.index("Køb nu")
    assert "Der blev ikke fundet nogen regning i mailen." in html
    assert "Afsenderen står ikke på indbakkens liste." in html
    assert "auth-pass" in html and "auth-fail" in html


def test_the_inbox_in_english(logged_in_client, company):
    services.record_refusal(company, services.Envelope(), NoBillReason.TOO_LARGE, subject="Big")
    logged_in_client.cookies["django_language"] = "en"
    html = logged_in_client.get(_url("inbox", company), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The mail or an attachment was too large." in html


def test_an_admin_makes_a_new_address_and_the_old_one_stops_working(logged_in_client, company):
    old = services.inbox_for(company).address
    response = logged_in_client.post(_url("change_address", company))
    assert response.status_code == 302
    assert services.inbox_by_address(old) is None
    assert services.inbox_by_address(services.inbox_for(company).address).company == company


def test_a_member_may_read_the_inbox_but_not_change_it(client, company):
    from tests.factories import MembershipFactory, UserFactory

    member = UserFactory(email="member@example.com")
    MembershipFactory(user=member, company=company, role="member")
    client.force_login(member)
    assert client.get(_url("inbox", company)).status_code == 200
    assert client.get(_url("settings", company)).status_code == 403
    assert client.post(_url("change_address", company)).status_code == 403


def test_allowed_senders_are_saved_and_nonsense_refused(logged_in_client, company):
    url = _url("settings", company)
    bad = logged_in_client.post(url, {"form": "senders", "allowed_senders": "not an address"})
    assert bad.status_code == 200 and "hverken en adresse eller et domæne" in bad.content.decode()
    logged_in_client.post(url, {"form": "senders", "allowed_senders": "Leverandor.dk\n"})
    assert services.inbox_for(company).sender_rules == ["leverandor.dk"]


def test_an_imap_mailbox_that_refuses_the_login_is_not_saved(logged_in_client, company, dovecot):
    form = {
        "form": "imap", "host": "127.0.0.1", "port": dovecot.port, "security": "none",
        "username": "bills40@nordlys.dk", "password": "wrong", "folder": "INBOX",
    }  # fmt: skip
    response = logged_in_client.post(_url("settings", company), form)
    assert "IMAP-serveren afviste brugernavnet eller adgangskoden." in response.content.decode()
    assert not ImapMailbox.objects.exists()
    form["password"] = "app-password-1"
    assert logged_in_client.post(_url("settings", company), form).status_code == 302
    assert ImapMailbox.objects.get(company=company).password == "app-password-1"
