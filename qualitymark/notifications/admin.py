from django.contrib import admin

from .models import SentEmail


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "template", "subject", "sent_at")
    list_filter = ("template",)
    search_fields = ("subject", "dedupe_key")
    readonly_fields = [field.name for field in SentEmail._meta.fields]
