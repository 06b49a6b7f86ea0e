"""The Celery app and the one beat schedule.

Without REDIS_URL, settings make every task run inline (task_always_eager);
with it, tasks go to a real worker and beat on Redis.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yos.settings")

app = Celery("yos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every night at 02:00 Europe/London. A second beat is harmless: the job takes
# a database lock and writes through unique keys (see docs/operations.md).
app.conf.beat_schedule = {
    "nightly-jobs": {
        "task": "yos.tasks.run_nightly_jobs",
        "schedule": crontab(hour=2, minute=0),
    },
}
