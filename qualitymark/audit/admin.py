from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor_email",
        "action",
        "target_type",
        "target_repr",
        "ip_address",
    )
    list_filter = ("action", "target_type")
    search_fields = ("personal__actor_email", "target_repr", "target_id", "action")
    date_hierarchy = "created_at"
    list_select_related = ("personal",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
