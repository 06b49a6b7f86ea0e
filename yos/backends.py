"""The signed-in user, loaded with what every request asks of them.

Every page needs the user's role (their group), their team ids (access
rules) and whether they have a confirmed authenticator (two-factor). Asked
one by one that is three queries per request before the page does any work;
here they come with the user in one query, as correlated subqueries
aggregated into JSON arrays (PostgreSQL ``JSON_AGG``, SQLite
``JSON_GROUP_ARRAY``). They are read fresh on every request, so a role or
team change takes effect on the user's next page.
"""

from __future__ import annotations

import json

from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, Exists, Field, OuterRef, Q, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from yos.models import User


class _ListField(Field):
    """A JSON array read back as a list: psycopg parses ``json`` itself,
    SQLite returns the text."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        return json.loads(value) if isinstance(value, str) else value


class JSONList(Aggregate):
    """The values of a column as a JSON array (NULL when there are none)."""

    function = "JSON_AGG"
    output_field = _ListField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _list_of(model, column: str) -> Subquery:
    return Subquery(
        model.objects.filter(user_id=OuterRef("pk"))
        .values("user_id")
        .annotate(values=JSONList(column))
        .values("values")
    )


# An unconfirmed device with this name marks an administrator's reset of the
# user's authenticator: they must enrol a new one at their next sign-in.
RESET_DEVICE_NAME = "Reset by an administrator"


def device_owed_q() -> Q:
    """Devices that make the second factor required: a confirmed one, or the
    marker an administrator's reset leaves (yos.twofactor). A set-up page
    someone opened and left (older versions saved a device for it) is not."""
    return Q(confirmed=True) | Q(name=RESET_DEVICE_NAME)


def with_access_facts(qs):
    """Users annotated with their group names, team ids and whether they owe
    a second factor (a confirmed TOTP device or a reset) (read by User.role, access.team_ids and
    yos.twofactor)."""
    groups = User.groups.through
    teams = User.teams.through
    return qs.annotate(
        _group_names=_list_of(groups, "group__name"),
        _team_id_list=_list_of(teams, "team_id"),
        _team_name_list=_list_of(teams, "team__name"),
        _has_device=Exists(TOTPDevice.objects.filter(device_owed_q(), user_id=OuterRef("pk"))),
    )


class UserBackend(ModelBackend):
    """Django's model backend, loading the user with their access facts."""

    def get_user(self, user_id):
        try:
            user = with_access_facts(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
