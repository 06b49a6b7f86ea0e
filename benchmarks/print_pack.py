"""A print pack of stored letters (yos.letters.print_pack_build, the task's
work) against bare weasyprint renders of the same letter's HTML."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template import engines
from django.test.utils import override_settings
from django.utils import timezone

from benchmarks.core import Result, compare, rss_mb

# One page, the shape of a real letter: the service's letterhead, the address,
# the date, four paragraphs, the interpreter offer and the signature.
LETTER = """{% extends "letters/base.html" %}{% block body %}
<p>Dear Ms Bench,</p>
<h1>Your parenting order: a warning</h1>
<p>On 3 November you did not attend the parenting programme session the court
ordered you to attend, and we did not accept the reason you gave.</p>
<p>Failing to comply with a parenting order without a reasonable excuse is an
offence. If it happens again we may refer the matter for prosecution.</p>
<p>Your next session is on the date in your programme. Please call us if you
cannot attend, before the session, so that we can rearrange it.</p>
<p>If anything has changed for you or your family, tell us: we can help.</p>
{% endblock %}"""


class Rollback(Exception):
    pass


def print_pack(ctx) -> Result:
    n = ctx.pack_letters
    r = Result(
        "print-pack",
        f"{n} stored letters into one PDF (yos.letters.print_pack_build)",
        f"{n} bare weasyprint renders of the same letter's HTML",
        "<= 1.5x, memory growth < 100 MB, one page per letter",
        max_ratio=1.5,
    )
    from cases.models import Adult, Family
    from yos.letters import pack_order, print_pack_build
    from yos.lib.files import store_document
    from yos.lib.pdf import html_to_pdf
    from yos.models import Letter, PrintPack, StoredDocument, Team

    adult = Adult(first_name="Sam", last_name="Bench")
    html = (
        engines["django"]
        .from_string(LETTER)
        .render(
            {
                "letterhead": settings.LETTERHEAD,
                "recipient": adult,
                "recipient_address": ["1 Bench Road", "Demo Town", "DT1 1AA"],
                "letter_date": timezone.localdate(),
            }
        )
    )
    by = ctx.system
    outcome: dict = {}
    growth: list[float] = []

    def baseline():
        for _ in range(n):
            html_to_pdf(html)

    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, PRIVATE_STORAGE_ROOT=media),
    ):
        try:
            with transaction.atomic():
                pdf = html_to_pdf(html)
                team = Team.objects.create(name=f"Print pack bench {timezone.now():%H%M%S%f}")
                family = Family.objects.create(name="Bench", team=team)
                adult.family = family
                adult.save()
                content_type = ContentType.objects.get_for_model(Family)
                letters = Letter.objects.bulk_create(
                    Letter(
                        kind=Letter.Kind.ORDER_WARNING,
                        dedupe_key=f"bench-print-pack:{family.pk}:{i}",
                        recipient=adult,
                        content_type=content_type,
                        object_id=family.pk,
                        family=family,
                        reason="Print pack bench",
                        document=store_document(
                            content=pdf,
                            kind=StoredDocument.Kind.LETTER,
                            subject=family,
                            by=by,
                            reason="Print pack bench",
                        ),
                        html=html,
                        letter_date=timezone.localdate(),
                        generated_by=by,
                        status=Letter.Status.APPROVED,
                    )
                    for i in range(n)
                )
                pack = PrintPack.objects.create(created_by=by, total=n)
                pack.letters.set(letters)

                def workload():
                    PrintPack.objects.filter(pk=pack.pk).update(
                        status=PrintPack.Status.QUEUED, document=None, done=0
                    )
                    before = rss_mb()
                    built = print_pack_build(pack.pk)
                    growth.append(rss_mb() - before)
                    outcome["pages"], outcome["done"] = built.pages, built.done
                    outcome["size"] = built.document.size

                workload()  # warm-up
                baseline()
                rss0 = rss_mb()
                compare(r, workload, baseline, repeat=ctx.letter_repeat, warmup=0)
                outcome["rss"] = (rss0, rss_mb())
                outcome["in order"] = pack_order(pack).count()
                raise Rollback
        except Rollback:
            pass
    r.figures["letters per pack"] = n
    r.figures["pages / letters put together"] = f"{outcome.get('pages')} / {outcome.get('done')}"
    r.figures["pack size"] = f"{(outcome.get('size') or 0) / 2**20:.1f} MB"
    r.figures["letters per second into the pack"] = f"{n / r.workload_s:.0f}"
    rss0, rss1 = outcome.get("rss", (0, 0))
    r.figures["memory (RSS) after warm-up → after the timed rounds"] = f"{rss0:.0f} → {rss1:.0f} MB"
    most = max(growth) if growth else 0.0
    r.figures["memory growth during one pack (each round)"] = ", ".join(
        f"{g:+.1f} MB" for g in growth
    )
    r.checks["memory growth < 100 MB"] = (most < 100, f"{most:+.1f} MB")
    r.checks["every letter in, one page each"] = (
        outcome.get("done") == n and outcome.get("pages") == n,
        f"{outcome.get('done')} letters, {outcome.get('pages')} pages",
    )
    return r
