"""The requirement catalogue is configuration: administrators extend it here.
Contracts themselves are case content and are not in the admin."""

from django.contrib import admin

from contracts.models import RequirementKind
from yos.admin import HistoryAdmin


@admin.register(RequirementKind)
class RequirementKindAdmin(HistoryAdmin):
    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name"]
    fields = ["name", "example", "position", "active"]

    def has_delete_permission(self, request, obj=None):
        return False  # retire a kind with "active" instead: contracts refer to it
