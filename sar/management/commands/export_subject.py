"""Subject access export from the command line:

    manage.py export_subject --child ID [--reason TEXT] [--output FILE]
    manage.py export_subject --adult ID ...

Writes the ZIP (sar.export.subject_export) and logs the export as the named
system user, with the reason.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sar.export import subject_export
from yos.lib.audit import system_user


class Command(BaseCommand):
    help = "Export everything held about one child or adult as a ZIP (subject access request)."

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--child", type=int, help="the child's id")
        who.add_argument("--adult", type=int, help="the adult's id")
        parser.add_argument("--reason", default="Subject access request (command line)")
        parser.add_argument("--output", help="the ZIP file to write (default: in this folder)")

    def handle(self, *args, child=None, adult=None, reason="", output=None, **options):
        from cases.models import Adult, Child

        model, pk = (Child, child) if child is not None else (Adult, adult)
        subject = model.objects.filter(pk=pk).first()
        if subject is None:
            raise CommandError(f"No {model._meta.verbose_name} with id {pk}")
        content = subject_export(subject, by=system_user(), reason=reason)
        kind = model._meta.model_name
        path = Path(output or f"subject-access-{kind}-{pk}.zip")
        path.write_bytes(content)
        self.stdout.write(f"Wrote {path} ({len(content)} bytes)")
