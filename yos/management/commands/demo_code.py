"""Print the current two-factor code of the demo authenticator (DEBUG only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from yos.management.commands.seed_demo import DEMO_TOTP_KEY_HEX


class Command(BaseCommand):
    help = "Print the current 6-digit code for the demo supervisor and admin (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code refuses to run when DEBUG is off.")
        self.stdout.write(f"{TOTP(bytes.fromhex(DEMO_TOTP_KEY_HEX)).token():06d}")
