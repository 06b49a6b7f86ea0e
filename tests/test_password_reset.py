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

pytestmark = pytest.mark.django_db

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
