"""Read-only admin views of the case records: administrators look, the app
changes (through services, with history). History cannot be edited."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Adult, AdultChild, Case, Child, ChildView, Family, Session


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Family)
class FamilyAdmin(ReadOnlyAdmin):
    list_display = ["name", "team", "case_manager"]
    list_filter = ["team"]


@admin.register(Child)
class ChildAdmin(ReadOnlyAdmin):
    list_display = ["reference", "last_name", "first_name", "family"]
    search_fields = ["reference"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "status", "referred_on"]
    list_filter = ["kind", "status"]


for model in (Adult, AdultChild, ChildView, Session):
    admin.site.register(model, ReadOnlyAdmin)
