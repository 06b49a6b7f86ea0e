import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The personas' passwords are hashed once per test: a fast hasher keeps
    these tests quick (sign-in itself is tested with the real hasher in yos)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
