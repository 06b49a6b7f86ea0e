"""The header contract (SECURITY.md check 2) on real responses."""

import re

import pytest


@pytest.fixture
def pages(client_for, case_manager):
    client = client_for(case_manager)
    return [client.get(url, secure=True) for url in ("/", "/access-log/", "/sign-in/")]


def test_every_response_carries_the_security_headers(pages):
    for response in pages:
        assert (
            int(re.search(r"max-age=(\d+)", response["Strict-Transport-Security"]).group(1))
            >= 31536000
        )
        assert "includeSubDomains" in response["Strict-Transport-Security"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_the_content_security_policy_uses_a_nonce_and_no_unsafe_inline(client_for, case_manager):
    response = client_for(case_manager).get("/", secure=True)
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    # every script on the page carries this response's nonce
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_signed_in_pages_are_never_cached(client_for, case_manager):
    response = client_for(case_manager).get("/", secure=True)
    assert response["Cache-Control"] == "no-store"


def test_cookies_are_httponly_and_samesite(client, case_manager, settings):
    from conftest import PASSWORD

    client.get("/sign-in/")
    response = client.post("/sign-in/", {"username": "casemanager", "password": PASSWORD})
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["samesite"] == "Lax"


def test_production_cookies_are_secure():
    """With DEBUG off (production) both cookies are Secure: read from a fresh settings load."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DEBUG": "0", "SECRET_KEY": "z" * 60})
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','yos.settings');"
            "django.setup();from django.conf import settings as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["True", "True", "True"]
