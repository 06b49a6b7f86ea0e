"""gunicorn reads this file from its working directory (the app's root, as in
the Dockerfile). The service's own settings stay on the command line; this
only stops gunicorn naming itself and its version in a Server header on
every response (docs/security.md, issue 14 finding 6)."""

from gunicorn.http import wsgi


def _without_server(default_headers):
    def headers(self):
        return [line for line in default_headers(self) if not line.startswith("Server:")]

    return headers


wsgi.Response.default_headers = _without_server(wsgi.Response.default_headers)
