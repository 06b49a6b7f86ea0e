"""Role personas, sign-in helpers and the browser set-up shared by every test."""

import os

import pytest
from django.contrib.auth.models import Group

from yos.models import Role
from yos.tests.factories import SchoolFactory, TeamFactory, UserFactory

PASSWORD = "correct-horse-battery-2026"  # noqa: S105 - test only

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# that tests make beside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_STORAGE_ROOT


@pytest.fixture(autouse=True)
def _second_factor_off_by_default(settings):
    """Most tests are about what a role may do once signed in; the two-factor
    step is tested on its own (yos/tests/test_two_factor.py) with it on."""
    settings.OTP_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Passwords hashed with MD5 in tests only: PBKDF2's cost (by design,
    about a second a hash on these machines) is not what any test is about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_rate_limits(settings):
    """Each test counts its own password-reset requests (the cache, Redis in
    CI, outlives a test)."""
    import uuid

    settings.RATE_LIMIT_KEY_PREFIX = f"test-{uuid.uuid4().hex}:"


@pytest.fixture
def tasks_inline():
    """Tasks run in the test's own process, as in the embedded default, also
    where REDIS_URL points the app at a real broker (CI) with no worker."""
    from yos.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def second_factor_on(settings):
    settings.OTP_REQUIRED_ROLES = ["supervisor", "administrator"]


@pytest.fixture
def team(db):
    return TeamFactory(name="North team")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="South team")


@pytest.fixture
def school(db):
    return SchoolFactory(name="Hillcrest Academy", urn="100001")


@pytest.fixture
def other_school(db):
    return SchoolFactory(name="Riverside High School", urn="100002")


@pytest.fixture
def _roles(django_db_setup, django_db_blocker):
    """Transactional tests (browser journeys, fault tests) flush what data
    migrations made: the role groups and seed 001's requirement catalogue.
    Recreate them, so a test's outcome does not depend on the order tests run in."""
    import importlib

    from django.apps import apps

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    importlib.import_module("contracts.migrations.0002_requirement_kinds").add_kinds(apps, None)


def make_user(role: Role, username: str, *, teams=(), school=None, **extra):
    user = UserFactory(username=username, school=school, **extra)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=role.value))
    user.teams.set(teams)
    return user


@pytest.fixture
def case_manager(team):
    return make_user(
        Role.CASE_MANAGER, "casemanager", teams=[team], first_name="Casey", last_name="Morgan"
    )


@pytest.fixture
def colleague(team):
    """Another case manager in the same team."""
    return make_user(
        Role.CASE_MANAGER, "colleague", teams=[team], first_name="Robin", last_name="Ellis"
    )


@pytest.fixture
def outsider(other_team):
    """A case manager in another team."""
    return make_user(
        Role.CASE_MANAGER, "outsider", teams=[other_team], first_name="Jordan", last_name="Patel"
    )


@pytest.fixture
def supervisor(team):
    return make_user(
        Role.SUPERVISOR, "supervisor", teams=[team], first_name="Sam", last_name="Okafor"
    )


@pytest.fixture
def victim_worker(team):
    return make_user(
        Role.VICTIM_WORKER, "victimworker", teams=[team], first_name="Alex", last_name="Reid"
    )


@pytest.fixture
def school_staff(school):
    return make_user(
        Role.SCHOOL_STAFF, "school", school=school, first_name="Jamie", last_name="Fletcher"
    )


@pytest.fixture
def other_school_staff(other_school):
    return make_user(
        Role.SCHOOL_STAFF, "school2", school=other_school, first_name="Taylor", last_name="Brooks"
    )


@pytest.fixture
def administrator(db):
    return make_user(
        Role.ADMINISTRATOR,
        "admin",
        is_staff=True,
        is_superuser=True,
        first_name="Avery",
        last_name="Lewis",
    )


@pytest.fixture
def personas(case_manager, supervisor, victim_worker, school_staff, administrator):
    """One user per role, keyed by role value."""
    return {
        Role.CASE_MANAGER: case_manager,
        Role.SUPERVISOR: supervisor,
        Role.VICTIM_WORKER: victim_worker,
        Role.SCHOOL_STAFF: school_staff,
        Role.ADMINISTRATOR: administrator,
    }


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


# --- Browser journeys: Debian's Chromium, never a downloaded browser ----------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
