from datetime import date

import pytest
from django.core.exceptions import ValidationError

from descriptors import services
from descriptors.framework_data import FrameworkFileError
from descriptors.io import parse_framework_file, read_framework_file
from descriptors.models import Descriptor, Framework, FrameworkLockedError, Marker
from descriptors.selectors import current_framework
from qualitymark.audit.models import AuditEvent

from .samples import framework_yaml, replace_line

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_import_creates_a_draft_with_all_its_content(staff_user):
    data = parse_framework_file(framework_yaml(markers_per_descriptor=3), "yaml")
    framework = services.import_framework(data=data, actor=staff_user)
    assert framework.status == "draft"
    assert framework.effective_from == date(2026, 1, 1)
    assert framework.descriptors.count() == 7
    assert Marker.objects.filter(descriptor__framework=framework).count() == 21
    q3 = framework.descriptors.get(number=3)
    assert [marker.code for marker in q3.markers.all()] == ["3.1", "3.2", "3.3"]
    assert [marker.position for marker in q3.markers.all()] == [1, 2, 3]
    event = AuditEvent.objects.get(action="framework.imported")
    assert event.actor == staff_user
    assert event.changes["markers"] == 21


def test_import_can_publish(staff_user):
    data = parse_framework_file(framework_yaml(), "yaml")
    framework = services.import_framework(data=data, actor=staff_user, publish=True)
    assert framework.status == "published"
    assert framework.published_at is not None
    assert actions() == ["framework.imported", "framework.published"]


def test_import_replaces_a_draft_of_the_same_version(draft, staff_user):
    text = replace_line(framework_yaml(), "title: Descriptor title 4", "title: Better title")
    services.import_framework(data=parse_framework_file(text, "yaml"), actor=staff_user)
    assert Framework.objects.count() == 1
    assert Framework.objects.get().descriptors.get(number=4).title == "Better title"
    assert Descriptor.objects.count() == 7


def test_import_refuses_a_published_version_and_changes_nothing(published, staff_user):
    before = (Framework.objects.count(), Descriptor.objects.count(), AuditEvent.objects.count())
    text = replace_line(framework_yaml(), "title: Descriptor title 4", "title: Better title")
    with pytest.raises(FrameworkFileError) as caught:
        services.import_framework(data=parse_framework_file(text, "yaml"), actor=staff_user)
    assert caught.value.messages == [
        "line 2: version 1 of 'test-framework' is already published and cannot change; "
        "use version 2"
    ]
    after = (Framework.objects.count(), Descriptor.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert published.descriptors.get(number=4).title == "Descriptor title 4"


def test_import_with_publish_rolls_back_entirely_when_publishing_fails(published, staff_user):
    newer = parse_framework_file(framework_yaml(version=3), "yaml")
    services.import_framework(data=newer, actor=staff_user, publish=True)
    events = AuditEvent.objects.count()
    # Publishing version 2 would go backwards now that version 3 is published.
    middle = parse_framework_file(framework_yaml(version=2), "yaml")
    with pytest.raises(ValidationError, match="backwards"):
        services.import_framework(data=middle, actor=staff_user, publish=True)
    assert not Framework.objects.filter(version=2).exists()
    assert AuditEvent.objects.count() == events


def test_publishing_needs_seven_descriptors(draft, staff_user):
    draft.descriptors.get(number=6).delete()
    with pytest.raises(ValidationError) as caught:
        services.publish_framework(framework=draft, actor=staff_user)
    assert "Q6 is missing" in caught.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publishing_needs_a_marker_on_every_descriptor(draft, staff_user):
    draft.descriptors.get(number=2).markers.all().delete()
    with pytest.raises(ValidationError) as caught:
        services.publish_framework(framework=draft, actor=staff_user)
    assert caught.value.messages == ["Q2 has no markers; add at least one."]


def test_publishing_retires_the_previous_version(published, staff_user):
    draft = services.new_version_from(framework=published, actor=staff_user)
    services.publish_framework(framework=draft, actor=staff_user)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert published.status == "retired"
    assert draft.status == "published"
    assert current_framework() == draft
    assert actions()[-2:] == ["framework.retired", "framework.published"]


def test_publishing_leaves_other_names_alone(published, make_framework, staff_user):
    other = make_framework(name="another-scheme", publish=True)
    published.refresh_from_db()
    assert published.status == "published"
    assert other.status == "published"


def test_publishing_an_older_version_is_refused(make_framework, staff_user):
    make_framework(version=1)
    make_framework(version=2, publish=True)
    older = Framework.objects.get(version=1)
    with pytest.raises(ValidationError, match="backwards"):
        services.publish_framework(framework=older, actor=staff_user)


def test_a_published_framework_cannot_be_published_or_edited_again(published, staff_user):
    descriptor = published.descriptors.get(number=1)
    marker = descriptor.markers.first()
    for attempt in (
        lambda: services.publish_framework(framework=published, actor=staff_user),
        lambda: services.update_descriptor(
            descriptor=descriptor, actor=staff_user, title="x", question="y", guidance=""
        ),
        lambda: services.add_marker(descriptor=descriptor, actor=staff_user, code="1.9", text="x"),
        lambda: services.update_marker(marker=marker, actor=staff_user, code="1.1", text="x"),
        lambda: services.delete_marker(marker=marker, actor=staff_user),
        lambda: services.delete_draft(framework=published, actor=staff_user),
        lambda: services.update_framework_details(
            framework=published,
            actor=staff_user,
            title="x",
            effective_from=date(2027, 1, 1),
            is_working_wording=False,
            notes="",
        ),
    ):
        with pytest.raises(FrameworkLockedError):
            attempt()


def test_new_version_copies_into_the_next_draft(published, staff_user):
    draft = services.new_version_from(framework=published, actor=staff_user)
    assert (draft.name, draft.version, draft.status) == ("test-framework", 2, "draft")
    assert draft.title == published.title
    copied = [
        (d.number, d.title, d.question, d.guidance, [(m.code, m.text) for m in d.markers.all()])
        for d in draft.descriptors.all()
    ]
    original = [
        (d.number, d.title, d.question, d.guidance, [(m.code, m.text) for m in d.markers.all()])
        for d in published.descriptors.all()
    ]
    assert copied == original
    event = AuditEvent.objects.get(action="framework.version_created")
    assert event.changes == {"copied_from_version": 1, "version": 2}


def test_only_one_draft_per_name(published, staff_user):
    services.new_version_from(framework=published, actor=staff_user)
    with pytest.raises(ValidationError, match="already a draft"):
        services.new_version_from(framework=published, actor=staff_user)


def test_a_new_version_is_not_made_from_a_draft(draft, staff_user):
    with pytest.raises(ValidationError, match="still a draft"):
        services.new_version_from(framework=draft, actor=staff_user)


def test_editing_a_draft_is_audited(draft, staff_user):
    descriptor = draft.descriptors.get(number=5)
    services.update_descriptor(
        descriptor=descriptor,
        actor=staff_user,
        title="New title",
        question=descriptor.question,
        guidance=descriptor.guidance,
    )
    event = AuditEvent.objects.get(action="descriptor.updated")
    assert event.changes == {"title": ["Descriptor title 5", "New title"]}

    marker = services.add_marker(descriptor=descriptor, actor=staff_user, code="5.3", text="New")
    assert marker.position == 3
    services.update_marker(marker=marker, actor=staff_user, code="5.4", text="Newer")
    services.delete_marker(marker=marker, actor=staff_user)
    assert [m.code for m in descriptor.markers.all()] == ["5.1", "5.2"]
    assert actions()[-3:] == ["marker.added", "marker.updated", "marker.deleted"]


def test_marker_code_clash_is_refused(draft, staff_user):
    descriptor = draft.descriptors.get(number=1)
    with pytest.raises(ValidationError):
        services.add_marker(descriptor=descriptor, actor=staff_user, code="1.1", text="Again")


def test_delete_draft(draft, staff_user):
    services.delete_draft(framework=draft, actor=staff_user)
    assert not Framework.objects.exists()
    assert not Descriptor.objects.exists()


def test_current_framework_is_the_published_one_with_the_latest_effective_date(
    make_framework, staff_user
):
    assert current_framework() is None
    make_framework(name="later-scheme")
    earlier = make_framework(name="earlier-scheme", publish=True)
    assert current_framework() == earlier
    later = Framework.objects.get(name="later-scheme")
    services.update_framework_details(
        framework=later,
        actor=staff_user,
        title=later.title,
        effective_from=date(2026, 6, 1),
        is_working_wording=False,
        notes="",
    )
    services.publish_framework(framework=later, actor=staff_user)
    assert current_framework() == later


def test_the_shipped_working_wording_is_valid_and_labelled():
    data = read_framework_file(services.WORKING_FRAMEWORK_FILE)
    assert len(data.descriptors) == 7
    assert data.working_wording is True
    assert "working wording" in data.title.lower()
    assert "not the official text" in data.notes
    for descriptor in data.descriptors:
        assert 4 <= len(descriptor.markers) <= 6, descriptor.number
        assert descriptor.title and descriptor.question and descriptor.guidance


def test_ensure_working_framework_publishes_it_once():
    framework = services.ensure_working_framework()
    assert framework.status == "published"
    assert framework.is_working_wording
    assert framework.descriptors.count() == 7
    assert all(descriptor.markers.exists() for descriptor in framework.descriptors.all())
    assert services.ensure_working_framework() == framework
    assert Framework.objects.count() == 1
    assert current_framework() == framework


def test_ensure_working_framework_keeps_an_existing_published_framework(published):
    assert services.ensure_working_framework() == published
    assert Framework.objects.count() == 1


def test_ensure_working_framework_steps_round_a_clashing_draft(staff_user):
    data = read_framework_file(services.WORKING_FRAMEWORK_FILE)
    text = framework_yaml(name=data.name, version=data.version)
    own = services.import_framework(data=parse_framework_file(text, "yaml"), actor=staff_user)
    framework = services.ensure_working_framework()
    assert framework.version == data.version + 1
    own.refresh_from_db()
    assert own.status == "draft"
    assert own.title == "Test framework"
