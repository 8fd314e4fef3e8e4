from django.contrib import admin

from .models import ContentView, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """Changes go through the staff page (audited); the admin only shows them."""

    list_display = ("records", "period_months", "action", "starts_from")
    readonly_fields = ("key", "action", "records", "starts_from", "period_months", "why")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContentView)
class ContentViewAdmin(admin.ModelAdmin):
    list_display = ("viewed_at", "viewer", "application_reference", "page")
    search_fields = ("application_reference", "viewer__email")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
