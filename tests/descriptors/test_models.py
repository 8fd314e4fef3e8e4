from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from descriptors.models import Descriptor, Framework, FrameworkLockedError, Marker

pytestmark = pytest.mark.django_db


def test_descriptor_code():
    assert Descriptor(number=4).code == "Q4"


def test_a_framework_starts_as_a_draft():
    with pytest.raises(FrameworkLockedError):
        Framework.objects.create(
            name="x", version=1, title="X", effective_from=date(2026, 1, 1), status="published"
        )


def test_descriptor_number_is_checked_by_the_database(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Descriptor.objects.create(framework=draft, number=8, title="Eight", question="?")
    with pytest.raises(IntegrityError), transaction.atomic():
        Descriptor.objects.create(framework=draft, number=3, title="Again", question="?")


def test_marker_code_must_match_its_descriptor(draft):
    descriptor = draft.descriptors.get(number=3)
    with pytest.raises(ValidationError):
        Marker.objects.create(descriptor=descriptor, code="4.1", text="Wrong place")
    with pytest.raises(ValidationError):
        Marker.objects.bulk_create([Marker(descriptor=descriptor, code="3", text="No dot")])
    Marker.objects.create(descriptor=descriptor, code="3.9", text="Fine")


def test_a_draft_can_be_edited_freely(draft):
    draft.title = "Renamed"
    draft.save()
    descriptor = draft.descriptors.get(number=1)
    descriptor.title = "Changed"
    descriptor.save()
    marker = descriptor.markers.first()
    marker.text = "Changed"
    marker.save()
    Marker.objects.filter(descriptor=descriptor).update(text="All changed")
    marker.delete()


def test_published_framework_cannot_be_saved_or_deleted(published):
    published.title = "Changed"
    with pytest.raises(FrameworkLockedError, match="cannot change"):
        published.save()
    with pytest.raises(FrameworkLockedError):
        Framework.objects.get(pk=published.pk).delete()
    with pytest.raises(FrameworkLockedError):
        Framework.objects.filter(pk=published.pk).update(title="Changed")
    with pytest.raises(FrameworkLockedError):
        Framework.objects.filter(pk=published.pk).delete()
    with pytest.raises(FrameworkLockedError):
        Framework.objects.filter(pk=published.pk).update(status="draft")
    assert Framework.objects.get(pk=published.pk).title == "Test framework"


def test_published_descriptors_and_markers_cannot_change(published):
    descriptor = published.descriptors.get(number=2)
    marker = descriptor.markers.first()
    descriptor.title = "Changed"
    marker.text = "Changed"
    for attempt in (
        descriptor.save,
        descriptor.delete,
        marker.save,
        marker.delete,
        lambda: Descriptor.objects.filter(framework=published).update(title="x"),
        lambda: Descriptor.objects.filter(framework=published).delete(),
        lambda: published.descriptors.all().delete(),
        lambda: Marker.objects.filter(descriptor=descriptor).update(text="x"),
        lambda: Marker.objects.filter(descriptor=descriptor).delete(),
        lambda: Marker.objects.bulk_update([marker], ["text"]),
        lambda: Marker.objects.create(descriptor=descriptor, code="2.9", text="New"),
        lambda: Marker.objects.bulk_create([Marker(descriptor=descriptor, code="2.9", text="")]),
        lambda: Descriptor.objects.bulk_create(
            [Descriptor(framework=published, number=7, title="x", question="x")]
        ),
    ):
        with pytest.raises(FrameworkLockedError), transaction.atomic():
            attempt()
    assert Descriptor.objects.get(pk=descriptor.pk).title == "Descriptor title 2"
    assert Marker.objects.get(pk=marker.pk).text == "Marker text 2.1"


def test_a_stale_copy_of_a_draft_cannot_change_after_publishing(make_framework):
    from descriptors.services import publish_framework

    framework = make_framework()
    stale_descriptor = framework.descriptors.get(number=1)
    stale_framework = Framework.objects.get(pk=framework.pk)
    publish_framework(framework=framework, actor=None)
    stale_descriptor.title = "Sneaky"
    with pytest.raises(FrameworkLockedError):
        stale_descriptor.save()
    stale_framework.notes = "Sneaky"
    with pytest.raises(FrameworkLockedError):
        stale_framework.save()


def test_a_draft_cannot_jump_to_retired(draft):
    draft.status = "retired"
    with pytest.raises(FrameworkLockedError):
        draft.save()


def test_moving_a_descriptor_out_of_a_published_framework_is_refused(published, make_framework):
    other = make_framework(name="other-framework")
    descriptor = published.descriptors.get(number=1)
    descriptor.framework = other
    with pytest.raises(FrameworkLockedError):
        descriptor.save()
