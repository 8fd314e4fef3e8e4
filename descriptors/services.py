"""Every change to the descriptor framework goes through these functions."""

import dataclasses
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from qualitymark.audit.services import field_changes, record_event

from .framework_data import DescriptorData, FrameworkData, FrameworkFileError, MarkerData
from .io import read_framework_file
from .models import (
    DESCRIPTOR_COUNT,
    Descriptor,
    Framework,
    FrameworkLockedError,
    FrameworkStatus,
    Marker,
)
from .selectors import current_framework

WORKING_FRAMEWORK_FILE = Path(__file__).resolve().parent / "data" / "working_framework.yaml"


def _locked_for_change(framework: Framework) -> Framework:
    """Re-read the framework with a row lock and refuse if it is not a draft."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.is_locked:
        raise FrameworkLockedError(
            f"{framework.label} is {framework.status} and its wording cannot change. "
            "Create a new draft version to change it."
        )
    return framework


def _create_content(framework: Framework, descriptors) -> None:
    """Create descriptors and markers for a draft from DescriptorData items."""
    created = Descriptor.objects.bulk_create(
        Descriptor(
            framework=framework,
            number=descriptor.number,
            title=descriptor.title,
            question=descriptor.question,
            guidance=descriptor.guidance,
        )
        for descriptor in descriptors
    )
    Marker.objects.bulk_create(
        Marker(descriptor=saved, code=marker.code, text=marker.text, position=position)
        for saved, descriptor in zip(created, descriptors, strict=True)
        for position, marker in enumerate(descriptor.markers, start=1)
    )


def _content_of(framework: Framework) -> list[DescriptorData]:
    return [
        DescriptorData(
            number=descriptor.number,
            title=descriptor.title,
            question=descriptor.question,
            guidance=descriptor.guidance,
            markers=tuple(
                MarkerData(code=marker.code, text=marker.text)
                for marker in descriptor.markers.all()
            ),
        )
        for descriptor in framework.descriptors.prefetch_related("markers")
    ]


@transaction.atomic
def import_framework(*, data: FrameworkData, actor, publish: bool = False) -> Framework:
    """Create a draft from validated file data (see descriptors.io.parse_framework_file).

    A draft that already has this name and version is replaced; a published or
    retired version is refused, pointing at the version line of the file.
    With publish=True the new draft is published straight away.
    """
    existing = (
        Framework.objects.select_for_update().filter(name=data.name, version=data.version).first()
    )
    if existing is not None and existing.is_locked:
        newest = Framework.objects.filter(name=data.name).aggregate(Max("version"))
        raise FrameworkFileError(
            [
                (
                    data.lines.get("version"),
                    f"version {data.version} of '{data.name}' is already {existing.status} "
                    f"and cannot change; use version {newest['version__max'] + 1}",
                )
            ]
        )
    details = {
        "title": data.title,
        "effective_from": data.effective_from,
        "is_working_wording": data.working_wording,
        "notes": data.notes,
    }
    if existing is None:
        framework = Framework.objects.create(name=data.name, version=data.version, **details)
    else:
        framework = existing
        framework.descriptors.all().delete()
        for name, value in details.items():
            setattr(framework, name, value)
        framework.save()
    _create_content(framework, data.descriptors)
    record_event(
        actor=actor,
        action="framework.imported",
        target=framework,
        changes={
            "name": data.name,
            "version": data.version,
            "descriptors": len(data.descriptors),
            "markers": data.marker_count,
            "replaced_draft": existing is not None,
        },
    )
    if publish:
        framework = publish_framework(framework=framework, actor=actor)
    return framework


def publishing_problems(framework: Framework) -> list[str]:
    """What stops this draft from being published; empty when it is ready."""
    descriptors = list(
        framework.descriptors.annotate(marker_count=Count("markers")).order_by("number")
    )
    problems = []
    numbers = {descriptor.number for descriptor in descriptors}
    missing = [f"Q{number}" for number in range(1, DESCRIPTOR_COUNT + 1) if number not in numbers]
    if missing:
        problems.append(
            f"The framework needs all seven descriptors; {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing."
        )
    problems.extend(
        f"{descriptor.code} has no markers; add at least one."
        for descriptor in descriptors
        if descriptor.marker_count == 0
    )
    return problems


@transaction.atomic
def publish_framework(*, framework: Framework, actor) -> Framework:
    """Publish a draft and retire the version of the same name it replaces."""
    framework = _locked_for_change(framework)
    problems = publishing_problems(framework)
    if problems:
        raise ValidationError(problems)
    previous = (
        Framework.objects.select_for_update()
        .filter(name=framework.name, status=FrameworkStatus.PUBLISHED)
        .first()
    )
    if previous is not None and previous.version > framework.version:
        raise ValidationError(
            f"Version {previous.version} of '{framework.name}' is already published; "
            f"publishing the older version {framework.version} would go backwards."
        )
    now = timezone.now()
    if previous is not None:
        previous.status = FrameworkStatus.RETIRED
        previous.save(update_fields=["status", "updated_at"])
        record_event(
            actor=actor,
            action="framework.retired",
            target=previous,
            changes={
                "status": [FrameworkStatus.PUBLISHED, FrameworkStatus.RETIRED],
                "replaced_by_version": framework.version,
            },
        )
    framework.status = FrameworkStatus.PUBLISHED
    framework.published_at = now
    framework.save(update_fields=["status", "published_at", "updated_at"])
    record_event(
        actor=actor,
        action="framework.published",
        target=framework,
        changes={
            "status": [FrameworkStatus.DRAFT, FrameworkStatus.PUBLISHED],
            "retired_version": previous.version if previous else None,
        },
    )
    return framework


@transaction.atomic
def new_version_from(*, framework: Framework, actor) -> Framework:
    """Copy a published or retired framework into a new draft numbered after the
    newest version of that name. Only one draft per name at a time."""
    source = Framework.objects.select_for_update().get(pk=framework.pk)
    if source.is_draft:
        raise ValidationError(f"{source.label} is still a draft; edit it directly.")
    existing_draft = Framework.objects.drafts().filter(name=source.name).first()
    if existing_draft is not None:
        raise ValidationError(
            f"Version {existing_draft.version} of '{source.name}' is already a draft. "
            "Edit or delete that draft first."
        )
    newest = Framework.objects.filter(name=source.name).aggregate(Max("version"))
    draft = Framework.objects.create(
        name=source.name,
        version=newest["version__max"] + 1,
        title=source.title,
        effective_from=source.effective_from,
        is_working_wording=source.is_working_wording,
        notes=source.notes,
    )
    _create_content(draft, _content_of(source))
    record_event(
        actor=actor,
        action="framework.version_created",
        target=draft,
        changes={"copied_from_version": source.version, "version": draft.version},
    )
    return draft


@transaction.atomic
def update_framework_details(
    *,
    framework: Framework,
    actor,
    title: str,
    effective_from,
    is_working_wording: bool,
    notes: str,
) -> Framework:
    framework = _locked_for_change(framework)
    after = {
        "title": title,
        "effective_from": effective_from,
        "is_working_wording": is_working_wording,
        "notes": notes,
    }
    changes = field_changes({name: getattr(framework, name) for name in after}, after)
    if not changes:
        return framework
    for name, value in after.items():
        setattr(framework, name, value)
    framework.save()
    record_event(actor=actor, action="framework.updated", target=framework, changes=changes)
    return framework


@transaction.atomic
def delete_draft(*, framework: Framework, actor) -> None:
    framework = _locked_for_change(framework)
    record_event(
        actor=actor,
        action="framework.deleted",
        target=framework,
        changes={"name": framework.name, "version": framework.version},
    )
    framework.delete()


@transaction.atomic
def update_descriptor(
    *, descriptor: Descriptor, actor, title: str, question: str, guidance: str
) -> Descriptor:
    _locked_for_change(descriptor.framework)
    descriptor = Descriptor.objects.get(pk=descriptor.pk)
    after = {"title": title, "question": question, "guidance": guidance}
    changes = field_changes({name: getattr(descriptor, name) for name in after}, after)
    if not changes:
        return descriptor
    for name, value in after.items():
        setattr(descriptor, name, value)
    descriptor.save()
    record_event(actor=actor, action="descriptor.updated", target=descriptor, changes=changes)
    return descriptor


@transaction.atomic
def add_marker(*, descriptor: Descriptor, actor, code: str, text: str) -> Marker:
    _locked_for_change(descriptor.framework)
    last = descriptor.markers.aggregate(Max("position"))["position__max"] or 0
    marker = Marker(descriptor=descriptor, code=code, text=text, position=last + 1)
    marker.validate_constraints()
    marker.save()
    record_event(
        actor=actor,
        action="marker.added",
        target=marker,
        changes={"descriptor": descriptor.code, "code": code, "text": text},
    )
    return marker


@transaction.atomic
def update_marker(*, marker: Marker, actor, code: str, text: str) -> Marker:
    _locked_for_change(marker.descriptor.framework)
    marker = Marker.objects.get(pk=marker.pk)
    after = {"code": code, "text": text}
    changes = field_changes({name: getattr(marker, name) for name in after}, after)
    if not changes:
        return marker
    marker.code, marker.text = code, text
    marker.validate_constraints()
    marker.save()
    record_event(actor=actor, action="marker.updated", target=marker, changes=changes)
    return marker


@transaction.atomic
def delete_marker(*, marker: Marker, actor) -> None:
    _locked_for_change(marker.descriptor.framework)
    record_event(
        actor=actor,
        action="marker.deleted",
        target=marker,
        changes={"descriptor": marker.descriptor.code, "code": marker.code, "text": marker.text},
    )
    marker.delete()


@transaction.atomic
def ensure_working_framework(*, actor=None) -> Framework:
    """Make sure a framework is in use: if none is published, load the portal's
    own working wording and publish it. Safe to call any number of times."""
    current = current_framework()
    if current is not None:
        return current
    data = read_framework_file(WORKING_FRAMEWORK_FILE)
    clash = Framework.objects.filter(name=data.name, version=data.version).first()
    if clash is not None and not clash.is_working_wording:
        # Someone's own draft holds that version number: leave it alone.
        newest = Framework.objects.filter(name=data.name).aggregate(Max("version"))
        data = dataclasses.replace(data, version=newest["version__max"] + 1)
    return import_framework(data=data, actor=actor, publish=True)
