"""Reading the descriptor framework."""

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import Descriptor, Framework, FrameworkStatus, Marker


def current_framework() -> Framework | None:
    """The framework new applications are written against: the published one
    with the latest effective_from date (None before any is published)."""
    return Framework.objects.published().order_by("-effective_from", "-published_at", "-pk").first()


def frameworks_for_staff() -> QuerySet[Framework]:
    """Every framework, newest version of each name first, with content counts."""
    return Framework.objects.annotate(
        descriptor_count=Count("descriptors", distinct=True),
        marker_count=Count("descriptors__markers", distinct=True),
    ).order_by("name", "-version")


def _descriptors_with_markers() -> QuerySet[Descriptor]:
    return Descriptor.objects.order_by("number").prefetch_related(
        Prefetch("markers", queryset=Marker.objects.order_by("position", "pk"))
    )


def framework_with_content(pk: int) -> Framework:
    """One framework with descriptors and markers loaded; 404 if there is none."""
    return get_object_or_404(
        Framework.objects.prefetch_related(
            Prefetch("descriptors", queryset=_descriptors_with_markers())
        ),
        pk=pk,
    )


def draft_framework(pk: int) -> Framework:
    """A framework that may still be edited; 404 for published or retired ones."""
    return get_object_or_404(Framework, pk=pk, status=FrameworkStatus.DRAFT)


def draft_descriptor(framework_pk: int, number: int) -> Descriptor:
    return get_object_or_404(
        Descriptor.objects.select_related("framework"),
        framework_id=framework_pk,
        framework__status=FrameworkStatus.DRAFT,
        number=number,
    )


def draft_marker(framework_pk: int, marker_pk: int) -> Marker:
    return get_object_or_404(
        Marker.objects.select_related("descriptor__framework"),
        pk=marker_pk,
        descriptor__framework_id=framework_pk,
        descriptor__framework__status=FrameworkStatus.DRAFT,
    )


def framework_by_name(name: str, version: int | None = None) -> Framework | None:
    """A named framework: the given version, or the newest version of that name."""
    frameworks = Framework.objects.filter(name=name)
    if version is not None:
        return frameworks.filter(version=version).first()
    return frameworks.order_by("-version").first()
