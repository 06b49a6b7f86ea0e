"""TOTP two-factor sign-in: required for supervisors and administrators."""

import base64
import re

from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from yos.twofactor import CODE_WRONG


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def setup_answer(page, **extra) -> dict:
    """What a user posts back from the set-up page: the signed key field and
    the code their app shows for the key the page displays."""
    body = page.content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', body).group(1)
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    pending = re.search(r'name="pending" value="([^"]+)"', body).group(1)
    return {"pending": pending, "code": f"{TOTP(key).token():06d}", **extra}


def sign_in(client, username):
    return client.post("/sign-in/", {"username": username, "password": PASSWORD})


def test_a_supervisor_without_a_device_is_sent_to_set_one_up(client, supervisor, second_factor_on):
    sign_in(client, "supervisor")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/verify/?next=%2F"
    response = client.get(response["Location"])
    assert response["Location"] == "/two-factor/setup/?next=%2F"


def test_setting_up_a_device_with_the_right_code_lets_the_supervisor_in(
    client, supervisor, second_factor_on
):
    sign_in(client, "supervisor")
    page = client.get("/two-factor/setup/?next=/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert not TOTPDevice.objects.filter(user=supervisor).exists()  # GET writes nothing
    response = client.post("/two-factor/setup/?next=/", setup_answer(page))
    assert response["Location"] == "/"
    device = TOTPDevice.objects.get(user=supervisor)
    assert device.confirmed is True
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_in_plain_english(client, supervisor, second_factor_on):
    device = TOTPDevice.objects.create(user=supervisor, name="app", confirmed=True)
    sign_in(client, "supervisor")
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = client.post("/two-factor/verify/?next=/", {"code": wrong})
    assert response.status_code == 200
    assert CODE_WRONG in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_right_code_is_accepted_at_verify(client, supervisor, second_factor_on):
    device = TOTPDevice.objects.create(user=supervisor, name="app", confirmed=True)
    sign_in(client, "supervisor")
    response = client.post("/two-factor/verify/?next=/", {"code": current_code(device)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_case_manager_is_not_asked_unless_they_set_up_a_device(
    client, case_manager, second_factor_on
):
    sign_in(client, "casemanager")
    assert client.get("/").status_code == 200
    TOTPDevice.objects.create(user=case_manager, name="app", confirmed=True)
    client.post("/sign-out/")
    sign_in(client, "casemanager")
    assert client.get("/").status_code == 302


def test_next_cannot_send_the_user_off_site(client, supervisor, second_factor_on):
    device = TOTPDevice.objects.create(user=supervisor, name="app", confirmed=True)
    sign_in(client, "supervisor")
    response = client.post(
        "/two-factor/verify/?next=https://evil.example/", {"code": current_code(device)}
    )
    assert response["Location"] == "/"
