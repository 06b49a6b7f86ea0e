"""Password reset by email (issue 9: "password reset by email without
revealing whether an account exists").

The answer to the request is the same page whether or not an account has
the address; only an account's address gets the email. The link sets a new
password once, signs out every other session, and signs nobody in.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from conftest import PASSWORD
from yos.views import NEW_PASSWORDS_DIFFER, RESET_EMAIL_REQUIRED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_inline")]

NEW_PASSWORD = "a-brand-new-passphrase-2026"  # noqa: S105 - test only


@pytest.fixture
def user_with_email(case_manager):
    case_manager.email = "casey.morgan@example.invalid"
    case_manager.save()
    return case_manager


def _ask(client, email):
    return client.post(reverse("password-reset"), {"email": email}, follow=True)


def _normalised(response) -> str:
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def test_the_answer_is_the_same_whether_or_not_the_account_exists(user_with_email):
    known = _ask(Client(), "casey.morgan@example.invalid")
    unknown = _ask(Client(), "nobody@example.invalid")
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password-reset-sent"), 302)]
    assert _normalised(known) == _normalised(unknown)
    assert [m.to for m in mail.outbox] == [["casey.morgan@example.invalid"]]


def test_the_link_sets_a_new_password_once_and_signs_out_other_sessions(user_with_email):
    elsewhere = Client()
    elsewhere.force_login(user_with_email)
    assert elsewhere.get(reverse("home")).status_code == 200

    _ask(Client(), "casey.morgan@example.invalid")
    link = re.search(r"https?://[^/]+(/password-reset/[^\s]+/)", mail.outbox[0].body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert "Set a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert escape(NEW_PASSWORDS_DIFFER) in mismatch.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password-reset-complete")

    user_with_email.refresh_from_db()
    assert user_with_email.check_password(NEW_PASSWORD)
    assert not user_with_email.check_password(PASSWORD)
    assert "_auth_user_id" not in client.session  # not signed in by the reset
    assert elsewhere.get(reverse("home")).status_code == 302  # the other session is gone
    again = Client().get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_an_empty_address_gets_a_plain_english_error(client):
    response = client.post(reverse("password-reset"), {"email": ""})
    assert response.status_code == 200
    assert escape(RESET_EMAIL_REQUIRED) in response.content.decode()


# Issue 14, finding 5: password-reset requests were not rate-limited (44
# e-mails reached one address in minutes). Now at most
# PASSWORD_RESET_PER_ADDRESS_PER_HOUR e-mails an hour go to one address and
# PASSWORD_RESET_PER_CLIENT_PER_HOUR requests an hour are taken from one
# client; over either the page is the same and nothing is sent.


def test_one_address_gets_at_most_three_e_mails_an_hour(user_with_email):
    import time_machine

    with time_machine.travel("2026-11-25 09:00", tick=False) as traveller:
        answers = [
            _ask(Client(REMOTE_ADDR=f"192.0.2.{n}"), user_with_email.email) for n in range(44)
        ]
        assert len(mail.outbox) == 3
        # Over the limit the answer is the same page as for any address.
        assert {r.redirect_chain[-1][0] for r in answers} == {reverse("password-reset-sent")}
        assert _normalised(answers[-1]) == _normalised(answers[0])
        traveller.shift(61 * 60)
        _ask(Client(), user_with_email.email)
        assert len(mail.outbox) == 4


def test_one_client_is_limited_across_addresses(user_with_email, settings, caplog):
    import logging

    settings.PASSWORD_RESET_PER_CLIENT_PER_HOUR = 5
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(5):
        _ask(client, f"nobody{n}@example.invalid")
    with caplog.at_level(logging.WARNING, logger="yos.security"):
        answer = _ask(client, user_with_email.email)
    assert answer.redirect_chain[-1][0] == reverse("password-reset-sent")
    assert mail.outbox == []
    assert "event=password_reset_throttled" in caplog.text and "limit=client" in caplog.text
    # Another client is not affected.
    _ask(Client(REMOTE_ADDR="198.51.100.7"), user_with_email.email)
    assert [m.to for m in mail.outbox] == [[user_with_email.email]]


def test_the_e_mail_is_sent_by_a_celery_task(user_with_email, monkeypatch):
    """Off the request path: the view publishes yos.tasks.send_email (inline
    in the embedded default, on a worker in production)."""
    from yos import tasks

    published = []
    original = tasks.send_email.apply_async

    def spy(*args, **kwargs):
        published.append(kwargs.get("args") or args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks.send_email, "apply_async", spy)
    _ask(Client(), user_with_email.email)
    assert len(published) == 1
    to, subject, body = published[0]
    assert to == [user_with_email.email]
    assert "/password-reset/" in body
    assert [m.to for m in mail.outbox] == [[user_with_email.email]]
