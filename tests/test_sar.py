"""Subject access export (SECURITY.md check 33; issue 9 "Data protection").

SECURITY.md: "Run the command for one child. Pass: all of the subject's
canaries appear; 0 victim or third-party canaries appear; it finishes in
under 5 minutes on 2 cores (ICO one-month limit)."
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from cases import services as case_services
from sar.forms import REASON_REQUIRED
from tests.security_world import world  # noqa: F401 - the fixture
from yos.lib.audit import log_read
from yos.models import AccessLog

pytestmark = pytest.mark.django_db

SUBJECT = ["SUBJCANARY-NOTES", "SUBJCANARY-OFFENCE", "SUBJCANARY-SESSION", "SUBJCANARY-VIEW"]
THIRD_PARTY = [
    "VICTIMCANARY",
    "VICTIMADDR",
    "VICTIMUPDATE",
    "Ashdownsibling",
    "Ashdownfather",
    "Ashdownmother",
    "07700 900123",
    "Brackley",
]


def _texts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        texts = {}
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".pdf"):
                texts[name] = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
            else:
                texts[name] = data.decode("utf-8-sig")
        return texts


def _seed_canaries(world, rf):  # noqa: F811
    s = world.own
    cm = world.users["case_manager"]
    case_services.child_update(
        child=s.child,
        changes={"partner_notes": "SUBJCANARY-NOTES"},
        loaded_version=s.child.version,
        by=cm,
    )
    s.case.offence = "SUBJCANARY-OFFENCE"
    s.case._history_user = cm
    s.case.save()
    s.session.notes = "SUBJCANARY-SESSION"
    s.session._history_user = cm
    s.session.save()
    s.child.views.update(text="SUBJCANARY-VIEW")  # no history needed for the canary
    request = rf.get("/")
    request.user = world.users["supervisor"]
    log_read(request, s.child)


def test_the_export_of_a_child_holds_all_of_theirs_and_nothing_of_anyone_else(
    world,  # noqa: F811
    rf,
    tmp_path,
):
    _seed_canaries(world, rf)
    output = tmp_path / "export.zip"
    started = time.monotonic()
    call_command("export_subject", child=world.own.child.pk, output=str(output))
    assert time.monotonic() - started < 300
    texts = _texts(output.read_bytes())
    assert {"summary.pdf", "child.csv", "cases.csv", "history.csv", "access_log.csv"} <= set(texts)
    everything = "\n".join(texts.values())
    for canary in SUBJECT:
        assert canary in everything, canary
    assert "SUBJCANARY-NOTES" in texts["history.csv"]  # the change is in the history
    assert "Sam Okafor" in texts["access_log.csv"]  # the supervisor who read the record
    assert "SUBJCANARY-OFFENCE" in "".join(texts["summary.pdf"].split())
    leaked = [canary for canary in THIRD_PARTY if canary in everything]
    assert leaked == []
    assert AccessLog.objects.filter(
        action=AccessLog.Action.EXPORT, object_id=world.own.child.pk
    ).exists()


def test_the_export_of_an_adult_holds_their_details_but_not_the_childs_or_victims(
    world,  # noqa: F811
    tmp_path,
):
    adult = world.own.adult
    output = tmp_path / "adult.zip"
    call_command("export_subject", adult=adult.pk, output=str(output))
    everything = "\n".join(_texts(output.read_bytes()).values())
    assert "Ashdownmother" in everything and adult.email in everything
    assert world.own.child.reference in everything  # the child, by reference only
    for canary in ["Ashdownchild", "Ashdownfather", "VICTIMCANARY", "Brackley"]:
        assert canary not in everything, canary


def test_only_an_administrator_with_a_reason_downloads_an_export(world, client):  # noqa: F811
    url = reverse("sar-export-child", args=[world.own.child.pk])
    client.force_login(world.users["supervisor"])
    assert client.get(url).status_code == 404
    client.force_login(world.users["administrator"])
    page = client.post(url, {"reason": ""})
    assert page.status_code == 200 and escape(REASON_REQUIRED) in page.content.decode()
    response = client.post(url, {"reason": "SAR 2026-117 received 20 November 2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "summary.pdf" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.reason == "SAR 2026-117 received 20 November 2026"
    assert entry.user == world.users["administrator"]
