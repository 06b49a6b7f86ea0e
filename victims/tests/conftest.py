import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def today():
    """Freeze the clock at noon, Wednesday 25 November 2026 (London)."""
    with time_machine.travel(
        dt.datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False
    ):
        yield TODAY
