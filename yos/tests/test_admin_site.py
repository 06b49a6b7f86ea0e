"""The Django admin: administrators only, and only after the second factor."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from yos.tests.test_two_factor import current_code


def test_an_administrator_reaches_the_admin(client_for, administrator):
    assert client_for(administrator).get("/admin/").status_code == 200


def test_other_roles_get_page_not_found(client_for, personas):
    for role, user in personas.items():
        if role.value == "administrator":
            continue
        client = client_for(user)
        response = client.get("/admin/", follow=True)
        assert response.status_code == 404, role


def test_an_anonymous_user_is_sent_to_sign_in(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/sign-in/")


def test_the_admin_asks_an_administrator_for_the_second_factor(
    client_for, administrator, second_factor_on
):
    device = TOTPDevice.objects.create(user=administrator, name="app", confirmed=True)
    client = client_for(administrator)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/two-factor/verify/")
    response = client.post(response.redirect_chain[-1][0], {"code": current_code(device)})
    assert client.get("/admin/").status_code == 200
