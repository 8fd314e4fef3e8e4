"""Read-only views for technical support. Changes go through the portal's own
pages, which call the services, so every change is checked and audited."""

from django.contrib import admin

from .models.agencies import Agency, Invitation, Membership, PartnershipMember


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PartnershipMemberInline(admin.TabularInline):
    model = PartnershipMember
    fk_name = "partnership"
    extra = 0
    verbose_name = "member agency"
    verbose_name_plural = "member agencies"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(PartnershipMemberInline):
    model = Membership
    fk_name = "agency"
    verbose_name = "membership"
    verbose_name_plural = "memberships"


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ("name", "agency_type", "region", "ofsted_urn", "is_active")
    list_filter = ("agency_type", "region", "is_active")
    search_fields = ("name", "ofsted_urn", "email_domain")
    inlines = [PartnershipMemberInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "agency", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "user__full_name", "agency__name")
    list_select_related = ("user", "agency")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "role", "agency", "invited_by", "sent_at", "expires_at", "status")
    list_filter = ("role",)
    search_fields = ("email", "agency__name")
    list_select_related = ("agency", "invited_by")
    exclude = ("token_hash",)
