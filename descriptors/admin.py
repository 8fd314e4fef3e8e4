"""Technical admin for the framework. Published and retired versions are
read-only; changes to drafts go through descriptors.services so they are audited.
Staff normally use the pages under /staff/frameworks/."""

from django.contrib import admin

from . import services
from .models import Descriptor, Framework, Marker


def _framework_of(obj):
    if isinstance(obj, Framework):
        return obj
    if isinstance(obj, Descriptor):
        return obj.framework
    if isinstance(obj, Marker):
        return obj.descriptor.framework
    return None


class DraftOnlyAdmin(admin.ModelAdmin):
    """Editable only while the framework is a draft; never added here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        framework = _framework_of(obj)
        if framework is not None and framework.is_locked:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        framework = _framework_of(obj)
        if framework is not None and framework.is_locked:
            return False
        return super().has_delete_permission(request, obj)


class DescriptorInline(admin.TabularInline):
    model = Descriptor
    fields = ("number", "title")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MarkerInline(admin.TabularInline):
    model = Marker
    fields = ("code", "text")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(DraftOnlyAdmin):
    list_display = ("title", "name", "version", "status", "effective_from", "published_at")
    list_filter = ("status", "name", "is_working_wording")
    search_fields = ("name", "title")
    fields = (
        "name",
        "version",
        "title",
        "status",
        "effective_from",
        "is_working_wording",
        "notes",
        "published_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("name", "version", "status", "published_at", "created_at", "updated_at")
    inlines = [DescriptorInline]
    actions = None

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.update_framework_details(
            framework=obj,
            actor=request.user,
            title=data["title"],
            effective_from=data["effective_from"],
            is_working_wording=data["is_working_wording"],
            notes=data["notes"],
        )

    def delete_model(self, request, obj):
        services.delete_draft(framework=obj, actor=request.user)


@admin.register(Descriptor)
class DescriptorAdmin(DraftOnlyAdmin):
    list_display = ("code", "title", "framework")
    list_filter = ("framework",)
    search_fields = ("title", "question")
    fields = ("framework", "number", "title", "question", "guidance")
    readonly_fields = ("framework", "number")
    inlines = [MarkerInline]
    actions = None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.update_descriptor(
            descriptor=obj,
            actor=request.user,
            title=data["title"],
            question=data["question"],
            guidance=data["guidance"],
        )


@admin.register(Marker)
class MarkerAdmin(DraftOnlyAdmin):
    list_display = ("code", "text", "descriptor")
    list_filter = ("descriptor__framework",)
    search_fields = ("code", "text")
    fields = ("descriptor", "code", "text", "position")
    readonly_fields = ("descriptor", "position")
    actions = None

    def save_model(self, request, obj, form, change):
        services.update_marker(
            marker=obj,
            actor=request.user,
            code=form.cleaned_data["code"],
            text=form.cleaned_data["text"],
        )

    def delete_model(self, request, obj):
        services.delete_marker(marker=obj, actor=request.user)
