"""Every view of an application's content by a moderator, panel chair or member
of staff is recorded; staff can filter the record by application or person."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from qualitymark.governance.access_log import CONTENT_PAGES
from qualitymark.governance.models import ContentView
from tests.moderation.builders import screened_application, staff_user

pytestmark = pytest.mark.django_db


def _routes(resolvers, prefix="", namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            yield from _routes(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}", prefix + str(entry.pattern)


def test_every_content_page_is_a_url_that_names_the_application_as_pk():
    routes = dict(_routes(get_resolver().url_patterns))
    for name in CONTENT_PAGES:
        assert name in routes, f"{name} is not a URL"
        assert "applications/<int:pk>/" in routes[name], routes[name]


def test_moderator_and_staff_views_are_recorded_agency_views_are_not(client, framework):
    staff = staff_user()
    application, assignments = screened_application(staff=staff)
    moderator = assignments[0].moderator.user

    client.force_login(moderator)
    assert client.get(reverse("moderation:application", args=[application.pk])).status_code == 200
    client.force_login(staff)
    assert client.get(reverse("staff:application", args=[application.pk])).status_code == 200
    assert client.get(reverse("staff:screening")).status_code == 200  # not content
    client.force_login(application.created_by)
    assert client.get(reverse("agency:application", args=[application.pk])).status_code == 200

    views = list(ContentView.objects.order_by("pk"))
    assert [(v.viewer, v.page, v.application_id) for v in views] == [
        (moderator, "moderation:application", application.pk),
        (staff, "staff:application", application.pk),
    ]
    assert {v.application_reference for v in views} == {application.reference}


def test_a_page_refused_to_a_moderator_is_not_recorded(client, framework):
    application, _ = screened_application()
    outsider = screened_application()[1][0].moderator.user
    client.force_login(outsider)
    assert client.get(reverse("moderation:application", args=[application.pk])).status_code == 404
    assert not ContentView.objects.filter(application_id=application.pk).exists()


def test_staff_filter_the_record_by_application_and_by_person(client, framework):
    staff = staff_user()
    first, first_assignments = screened_application(staff=staff)
    second, _ = screened_application(staff=staff)
    moderator = first_assignments[0].moderator.user
    client.force_login(moderator)
    client.get(reverse("moderation:application", args=[first.pk]))
    client.force_login(staff)
    client.get(reverse("staff:application", args=[second.pk]))

    page = reverse("staff:content_views")
    by_application = client.get(page, {"application": first.reference}).content.decode()
    assert "1 record" in by_application and moderator.get_full_name() in by_application
    by_person = client.get(page, {"person": staff.email}).content.decode()
    assert "1 record" in by_person and second.reference in by_person
    everything = client.get(page).content.decode()
    assert "2 records" in everything
    # The page in words, not its URL name (an outside audit found "staff:application").
    assert "The application, as moderators see it" in everything
    assert "The application, as Coram staff see it" in everything
    assert "staff:application" not in everything and "moderation:application" not in everything


def test_only_staff_see_the_record(client, framework):
    application, assignments = screened_application()
    client.force_login(assignments[0].moderator.user)
    assert client.get(reverse("staff:content_views")).status_code == 404


def test_a_file_download_is_recorded(client, framework):
    from .support import stored_evidence

    staff = staff_user()
    application, _ = screened_application(staff=staff)
    evidence = stored_evidence(application, by=application.created_by)
    client.force_login(staff)
    response = client.get(reverse("staff:evidence_download", args=[application.pk, evidence.pk]))
    assert response.status_code == 200
    assert ContentView.objects.get().page == "staff:evidence_download"
