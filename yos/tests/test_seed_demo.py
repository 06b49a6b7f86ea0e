from django.core.management import call_command

from yos.models import Role, User


def test_it_creates_one_user_per_role(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username, role in [
        ("casemanager", Role.CASE_MANAGER),
        ("supervisor", Role.SUPERVISOR),
        ("victimworker", Role.VICTIM_WORKER),
        ("school", Role.SCHOOL_STAFF),
        ("admin", Role.ADMINISTRATOR),
    ]:
        assert User.objects.get(username=username).role == role
        assert username in out


def test_running_it_twice_creates_nothing_twice(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    count = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == count


def test_each_demo_user_signs_in_and_sees_their_role(db, settings, client):
    from yos.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERS

    settings.DEBUG = True
    call_command("seed_demo")
    for username, _first, _last, role, *_ in DEMO_USERS:
        client.post("/sign-in/", {"username": username, "password": DEMO_PASSWORD})
        response = client.get("/")
        assert response.status_code == 200, username
        assert f'data-testid="identity-role">{role.label}<' in response.content.decode(), username
        client.post("/sign-out/")


def test_demo_code_matches_the_demo_supervisors_authenticator(
    db, settings, capsys, second_factor_on
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DEBUG = True
    call_command("seed_demo")
    capsys.readouterr()
    call_command("demo_code")
    code = capsys.readouterr().out.strip()
    device = TOTPDevice.objects.get(user__username="supervisor")
    assert device.verify_token(code) is True
