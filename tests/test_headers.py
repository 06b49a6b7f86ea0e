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


# Issue 14, finding 6 (hardening): a Permissions-Policy header; static files
# without Access-Control-Allow-Origin: *; TRACE and OPTIONS not answered with
# a rendered page; no Server: gunicorn.


def test_every_response_has_a_permissions_policy(pages, client):
    for response in [*pages, client.get("/sign-in/"), client.get("/no-such-page/")]:
        policy = response["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "PUT", "DELETE", "PATCH"])
def test_methods_the_service_does_not_use_get_a_bare_405(client_for, case_manager, method):
    client = client_for(case_manager)
    response = client.generic(method, "/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert response.content == b""
    anonymous = client.generic(method, "/sign-in/")
    assert anonymous.status_code == 405 and anonymous.content == b""


def test_static_files_are_not_shared_with_other_origins(client):
    """Served by whitenoise, as in production (its default adds
    Access-Control-Allow-Origin: * to every file)."""
    response = client.get("/static/dist/app.css")
    assert response.status_code == 200
    assert response.get("Access-Control-Allow-Origin") is None
    assert "Permissions-Policy" in response


def test_gunicorn_does_not_name_itself():
    """Starts gunicorn as the Dockerfile does (from the project's root, which
    holds gunicorn.conf.py) on a loopback port and reads the headers of a
    page and of a static file."""
    import http.client
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "yos.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/sign-in/")
                response = connection.getresponse()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert response.status in (200, 302)
        assert response.getheader("Server") is None
        assert "gunicorn" not in str(response.headers).lower()
        response.read()
        connection.request("GET", "/static/dist/app.css")
        static = connection.getresponse()
        assert static.status == 200
        assert static.getheader("Server") is None
        assert static.getheader("Access-Control-Allow-Origin") is None
    finally:
        process.terminate()
        process.wait(timeout=10)
