"""Invented demo data: one service, two teams, two schools, one user per role.

Later apps add their own demo records through a `demo.seed(ctx)` function in
each app. Refuses to run when DEBUG is off: demo users must never reach a
production database.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from yos import access, extensions
from yos.models import Role, School, Team, User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - invented, DEBUG only
DEMO_USERS = [
    # username, first, last, role, team index or None, school index or None
    ("casemanager", "Casey", "Morgan", Role.CASE_MANAGER, 0, None),
    ("casemanager2", "Robin", "Ellis", Role.CASE_MANAGER, 0, None),
    ("casemanager3", "Jordan", "Patel", Role.CASE_MANAGER, 1, None),
    ("supervisor", "Sam", "Okafor", Role.SUPERVISOR, 0, None),
    ("victimworker", "Alex", "Reid", Role.VICTIM_WORKER, 0, None),
    ("school", "Jamie", "Fletcher", Role.SCHOOL_STAFF, None, 0),
    ("school2", "Taylor", "Brooks", Role.SCHOOL_STAFF, None, 1),
    ("admin", "Avery", "Lewis", Role.ADMINISTRATOR, None, None),
]
# One invented TOTP key for the demo users whose role needs a second factor.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # noqa: S105 - DEBUG only
DEMO_TOTP_KEY_B32 = "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"


class Command(BaseCommand):
    help = "Load invented demo data and print the demo users (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo refuses to run when DEBUG is off.")
        with transaction.atomic():
            ctx = seed_base()
            # each app's demo.seed, registered in its AppConfig.ready()
            for seed in extensions.demo_seeders():
                seed(ctx)
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for username, first, last, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {first} {last} – {role.label}")
        self.stdout.write(
            f"Supervisors and administrators also need a code: add the key {DEMO_TOTP_KEY_B32} to an "
            "authenticator app, or run `.venv/bin/python manage.py demo_code` for the current one."
        )


def seed_base() -> dict:
    """Teams, schools and users; returns them for the apps' demo seeders."""
    teams = [Team.objects.get_or_create(name=n)[0] for n in ("North team", "South team")]
    schools = [
        School.objects.get_or_create(
            urn=urn,
            defaults={"name": name, "address": addr, "telephone": phone, "email": email},
        )[0]
        for urn, name, addr, phone, email in (
            (
                "900001",
                "Hillcrest Academy",
                "1 Hill Road\nDemo Town\nDT1 2HA",
                "01234 500001",
                "office@hillcrest.example.invalid",
            ),
            (
                "900002",
                "Riverside High School",
                "2 River Lane\nDemo Town\nDT1 3RL",
                "01234 500002",
                "office@riverside.example.invalid",
            ),
        )
    ]
    users = {}
    for username, first, last, role, team, school in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@example.invalid"
        user.phone = f"01234 5671{len(users):02d}"  # direct line, printed on letters
        user.school = schools[school] if school is not None else None
        user.service_wide = False
        user.groups.set([Group.objects.get(name=role.value)])
        user.is_staff = user.is_superuser = access.administers(user)
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.teams.set([teams[team]] if team is not None else [])
        if access.supervises(user):
            user.teams.set(teams)  # the demo supervisor manages both teams
        users[username] = user
        if access.role_requires_second_factor(user):
            TOTPDevice.objects.update_or_create(
                user=user,
                name="Demo authenticator",
                defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True},
            )
    return {"teams": teams, "schools": schools, "users": users}
