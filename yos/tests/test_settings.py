"""The embedded default, production settings and the Celery contract."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from yos.celery import app

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_extra: dict) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DEBUG": "0",
            "SECRET_KEY": "x" * 64 + "production-like-secret-key",
            "ALLOWED_HOSTS": "yos.example.gov.uk",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    result = run_manage("check", env_extra={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_seed_demo_refuses_when_debug_is_off():
    result = run_manage("seed_demo", env_extra={"DEBUG": "0", "SECRET_KEY": "y" * 60})
    assert result.returncode != 0
    assert "refuses to run when DEBUG is off" in result.stderr


def test_celery_accepts_json_only_and_survives_a_lost_worker():
    conf = app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.broker_connection_timeout <= 5
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_without_redis_tasks_run_inline():
    if settings.REDIS_URL:
        assert app.conf.task_always_eager is False
    else:
        assert app.conf.task_always_eager is True


def test_beat_runs_the_nightly_jobs_at_two():
    entry = app.conf.beat_schedule["nightly-jobs"]
    assert entry["task"] == "yos.tasks.run_nightly_jobs"
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {0}
