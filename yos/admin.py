"""Administrators configure users, teams and schools here; case content is
not registered in the admin (administrators never see it without a reason)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from simple_history.admin import SimpleHistoryAdmin

from yos import access
from yos.lib.ids import parse_id
from yos.models import AccessLog, School, Team, User


class YosAdminSite(admin.AdminSite):
    """The Django admin for administrators only, after the second factor."""

    site_header = "Service configuration"
    site_title = "Service configuration"

    def has_permission(self, request):
        return (
            super().has_permission(request)
            and access.administers(request.user)
            and not access.needs_second_factor(request)
        )

    def login(self, request, extra_context=None):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if access.administers(request.user) and access.needs_second_factor(request):
            next_url = request.GET.get("next", reverse("admin:index"))
            return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': next_url})}")
        raise Http404(access.NOT_FOUND)


admin.site.__class__ = YosAdminSite


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's history pages, answering 404 for an object id
    that is not an id (its view passes "²" to int() and fails)."""

    def history_view(self, request, object_id, extra_context=None):
        if parse_id(object_id) is None:
            raise Http404(access.NOT_FOUND)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if parse_id(object_id) is None or parse_id(version_id) is None:
            raise Http404(access.NOT_FOUND)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(User)
class UserAdmin(BaseUserAdmin, HistoryAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Service", {"fields": ("teams", "school", "service_wide", "phone")}),
    )
    list_display = ("username", "first_name", "last_name", "is_active")
    filter_horizontal = ("groups", "teams")
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor authentication (they set it up again)")
    def reset_two_factor(self, request, queryset):
        """For a lost or replaced phone: the users' authenticators are removed
        and each must enrol a new one at their next sign-in. Logged in the
        security log and the admin's own history, and e-mailed to each user."""
        from yos.twofactor import reset_by_administrator

        users = list(queryset)
        for user in users:
            reset_by_administrator(user, by=request.user, request=request)
            self.log_change(request, user, "Reset two-factor authentication")
        self.message_user(
            request,
            f"Two-factor authentication reset for {len(users)} "
            f"{'user' if len(users) == 1 else 'users'}: each sets it up at their next sign-in.",
        )


@admin.register(Team)
class TeamAdmin(HistoryAdmin):
    search_fields = ("name",)


@admin.register(School)
class SchoolAdmin(HistoryAdmin):
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
