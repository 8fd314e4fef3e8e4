"""Read-only: moderators are managed on the staff pages, which audit every change."""

from django.contrib import admin

from .models.profiles import ModeratorProfile


@admin.register(ModeratorProfile)
class ModeratorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "is_chair", "is_active", "updated_at")
    list_filter = ("is_chair", "is_active")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
