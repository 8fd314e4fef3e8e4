"""Read-only: people get roles through invitations and the staff pages, which
check and audit every change. Accounts for operators come from createsuperuser."""

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
