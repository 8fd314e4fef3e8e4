"""The Django admin, with every add, change and delete in the audit trail.

``AuditedAdminConfig`` replaces ``django.contrib.admin`` in INSTALLED_APPS and makes
``AuditedAdminSite`` the default site, whose ``register`` gives every ModelAdmin
(the project's and the packages', such as allauth's authenticators) the audit
mixin. The admin's own LogEntry rows stay as they are; deletions of several
objects at once are written with bulk_create, which sends no signal, so the
audit hooks the ModelAdmin's log methods instead.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class AuditedModelAdminMixin:
    def _audit(self, request, obj, action: str, changes: dict) -> None:
        from .services import record_event

        record_event(actor=request.user, action=action, target=obj, changes=changes)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, obj, "admin.added", {"message": message})
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, obj, "admin.changed", {"message": message})
        return entry

    def log_deletions(self, request, queryset):
        objects = list(queryset)
        entries = super().log_deletions(request, objects)
        for obj in objects:
            self._audit(request, obj, "admin.deleted", {"object": str(obj)[:200]})
        return entries


class AuditedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdminMixin):
            admin_class = type(
                f"Audited{admin_class.__name__}", (AuditedModelAdminMixin, admin_class), {}
            )
        super().register(model_or_iterable, admin_class, **options)


class AuditedAdminConfig(AdminConfig):
    default_site = "qualitymark.audit.admin_site.AuditedAdminSite"
