"""The machinery of the access matrix (tests/access_matrix.yaml): sample
URLs for every pattern, one signed-in client per persona, observing a cell,
and a fingerprint of the database to prove a denied POST changed nothing.

Record mode (MATRIX_RECORD=1 .venv/bin/pytest tests/test_access_matrix.py)
writes what it observes to the YAML instead of asserting; review every
changed cell in the diff before committing it.
"""

from __future__ import annotations

import re
from collections import Counter
from operator import attrgetter
from pathlib import Path

import yaml
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.urlwalk import walk

TABLE = Path(__file__).with_name("access_matrix.yaml")
ADMIN = "admin/"

# Codes in the table: 200, 302 (a redirect after a successful action or to
# the canonical page), 400 (a form with errors), 403, 404, 405, "login" (302
# to the sign-in page), 500 never.


def load_table() -> dict:
    return yaml.safe_load(TABLE.read_text())


_APP_LABELS = re.compile(r"\(\?P<app_label>[^)]*\)")


def route_key(route: str) -> str:
    """The route as the table names it: the admin's app list pattern lists the
    installed apps, so that list is left out of its key."""
    return _APP_LABELS.sub("(?P<app_label>[^/]+)", route)


def project_routes() -> dict[str, str]:
    """route → url name ("" when unnamed), for every pattern of the project."""
    return {route_key(route): name for route, name, _cb in walk()}


# --- Sample URLs ---------------------------------------------------------------

_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\([^)]*\)")
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def build_url(route: str, values: dict) -> str:
    """The URL of route with its placeholders filled from values (named
    converters by name; regex groups in order from values["_positional"])."""
    cut = min((i for i in (route.find("^"), route.find("(")) if i >= 0), default=len(route))
    head, regex = route[:cut], route[cut:].lstrip("^")
    url = _CONVERTER.sub(lambda m: str(values[m.group("name")]), head)
    if regex:
        positional = iter(values.get("_positional", []))
        regex = _NAMED_GROUP.sub(lambda m: str(values[m.group(1)]), regex)
        url += _GROUP.sub(lambda _m: str(next(positional)), regex).rstrip("$")
    return "/" + url


def resolve_sample(world, spec: dict) -> dict:
    """{"pk": "own.child"} → {"pk": <own child's pk>}; "=text" is the text
    itself (a dashboard key, a KPI number)."""
    values = {}
    for key, path in spec.items():
        if str(path).startswith("="):
            values[key] = str(path)[1:]
            continue
        side, _, attr = path.partition(".")
        values[key] = attrgetter(attr)(world.side(side)).pk
    return values


def admin_model(route: str):
    parts = route.split("/")
    if len(parts) > 3 and parts[0] == "admin":
        try:
            return apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return None
    return None


def admin_values(world, route: str) -> dict:
    """Sample values for an admin route: the first row of its model."""
    model = admin_model(route)
    values: dict = {}
    obj = model._default_manager.order_by("pk").first() if model else None
    pk = obj.pk if obj is not None else 999999
    values.update(object_id=pk, pk=pk, id=world.users["case_manager"].pk)
    ct = ContentType.objects.get_for_model(type(world.own.family))
    values.update(content_type_id=ct.pk, app_label="yos", url="no-such-page/")
    if "view_on_site" in route or route.startswith("admin/r/"):
        values["object_id"] = world.own.family.pk
    if "^" in route and model is not None:
        # A history view needs a record that has a history row: take the
        # oldest history row (on PostgreSQL the first record by pk may have
        # been made without one, e.g. by a data migration).
        history = model.history.order_by("history_id").first()
        if history is not None:
            values.update(object_id=history.id, pk=history.id)
            values["_positional"] = [history.id, history.history_id]
        else:
            values["_positional"] = [pk, 999999]
    return values


# --- Clients and cells --------------------------------------------------------------


def clients_for(world, personas) -> dict[str, Client]:
    clients = {}
    for persona in personas:
        client = Client(raise_request_exception=False)
        if persona != "anonymous":
            client.force_login(world.users[persona])
        clients[persona] = client
    return clients


def observe(client: Client, method: str, url: str):
    """(code, response) for one request, rolled back afterwards so that every
    cell starts from the same world."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, {})
        transaction.set_rollback(True)
    status = response.status_code
    if status == 302 and response["Location"].startswith(reverse("login")):
        return "login", response
    if status == 302 and response["Location"].startswith(reverse("admin:login")):
        # The admin's own sign-in page: anonymous users go on to sign in,
        # signed-in users who are not administrators get a 404 there.
        return "admin-login", response
    return status, response


def text_of(response) -> str:
    """The text of an HTML, CSV or JSON response ("" for PDFs and files)."""
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/", "application/json")):
        return ""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace")


def fingerprint() -> tuple:
    """Row counts of every table of the project's models (history tables too):
    any save through the app writes at least a history row."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models() if m._meta.db_table != "django_session"}
    )
    union = " UNION ALL ".join(f'SELECT COUNT(*) FROM "{t}"' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(union)
        return tuple(row[0] for row in cursor.fetchall())


# --- Compact cells -------------------------------------------------------------------


def expand(cell: dict, personas) -> dict:
    """{"default": 404, "case_manager": 200} → every persona's code."""
    return {p: cell.get(p, cell.get("default")) for p in personas}


def compact(observed: dict) -> dict:
    codes = Counter(v for p, v in observed.items() if p != "anonymous")
    default = codes.most_common(1)[0][0]
    cell = {"default": default}
    cell.update({p: v for p, v in observed.items() if v != default})
    return cell
