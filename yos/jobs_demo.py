"""Demo: run tonight's nightly jobs once after the demo data is loaded, so the
demo homes show flags and the letters list has letters (seed_demo calls
seed(ctx) last). Rerunning seed_demo reruns the job, which makes nothing twice."""

from django.utils import timezone

from yos import jobs


def seed(ctx: dict) -> None:
    ctx["job_run"] = jobs.run_nightly_jobs(timezone.localdate())
