from django.contrib import admin, messages

from .models import SentEmail
from .services import resend_email


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "template", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "template")
    search_fields = ("subject", "dedupe_key", "message_id")
    readonly_fields = [field.name for field in SentEmail._meta.fields]
    actions = ["resend"]

    @admin.action(description="Send the selected e-mails again")
    def resend(self, request, queryset):
        for email in queryset:
            resend_email(actor=request.user, email=email)
        self.message_user(request, f"{queryset.count()} e-mail(s) queued again.", messages.SUCCESS)
