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
