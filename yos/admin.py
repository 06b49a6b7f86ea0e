"""Administrators configure users, teams and schools here; case content is
not registered in the admin (administrators never see it without a reason)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from yos.models import AccessLog, School, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Service", {"fields": ("teams", "school", "service_wide")}),
    )
    list_display = ("username", "first_name", "last_name", "is_active")
    filter_horizontal = ("groups", "teams")


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    search_fields = ("name",)


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ("name", "urn")
    search_fields = ("name", "urn")


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the audit cannot be edited from the application."""

    list_display = ("at", "user", "action", "content_type", "object_id", "ip_address")
    list_filter = ("action", "content_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
