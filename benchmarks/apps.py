from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The scale data set and the benchmarks (docs/performance.md): installed
    for its two commands, ``manage.py seed_scale`` and ``manage.py bench``.
    Nothing in the application imports it (tests/test_import_rules.py)."""

    name = "benchmarks"
    verbose_name = "Scale data and benchmarks"
