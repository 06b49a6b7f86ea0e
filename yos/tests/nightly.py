"""Running the nightly job as beat runs it, for the apps' job tests
(<app>/tests/test_jobs.py): the clock moved by time-machine to 02:00 London
time, no date given."""

import datetime as dt

import time_machine

from yos.models import Flag
from yos.tasks import run_nightly_jobs

D = dt.date
LONDON_2AM = dt.time(2, 0)


def run_on(day: dt.date) -> None:
    """Run the nightly task at 02:00 London time on `day`, as beat would."""
    with time_machine.travel(
        dt.datetime.combine(day, LONDON_2AM, tzinfo=dt.UTC) - dt.timedelta(hours=1), tick=False
    ):
        result = run_nightly_jobs.run()
    assert result["status"] == "succeeded", result
    assert result["run_date"] == day.isoformat()


def open_kinds(subject) -> set[str]:
    return {
        flag.kind
        for flag in Flag.objects.filter(resolved_at__isnull=True, object_id=subject.pk)
        if flag.content_type.model_class() is type(subject)
    }


def walk(subject, expectations: list[tuple[dt.date, set[str]]]) -> None:
    for day, kinds in expectations:
        run_on(day)
        assert open_kinds(subject) == kinds, day
