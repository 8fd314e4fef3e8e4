"""Read-only: people get roles through invitations and the staff pages, which
check and audit every change. Accounts for operators come from createsuperuser."""

from allauth.mfa.models import Authenticator
from django.contrib import admin

from .models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "is_coram_staff", "is_staff", "is_active", "last_login")
    list_filter = ("is_coram_staff", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    exclude = ("password", "user_permissions", "groups")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Security (issue 11): authenticators without their secrets ------------------------------

admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Who has which authenticator, never its secret (not even encrypted). An
    operator may remove one (audited: admin.deleted), not add or edit one."""

    raw_id_fields = ("user",)
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    exclude = ("data",)
    readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
