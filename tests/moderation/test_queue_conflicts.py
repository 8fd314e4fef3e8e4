"""A moderator's queue marks the assignments they have come to be conflicted on
(a link made after they were assigned): no link to open the application, and
a note that Coram staff will reassign it. The overdue filter leaves them out."""

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, MembershipFactory

from .builders import moderator
from .test_reviewer_pages import client_for, queue_rows, quick_assignment, select, tree_of

pytestmark = pytest.mark.django_db


def _queue(profile, query=""):
    return client_for(profile.user).get(reverse("moderation:queue") + query)


def _opens(response, assignment) -> bool:
    link = reverse("moderation:application", args=[assignment.application.pk])
    return bool(select(tree_of(response), f'a[href="{link}"]'))


@pytest.mark.parametrize(
    "link",
    ["declared link", "works there", "same e-mail domain", "partnership", "region", "declared"],
)
def test_a_conflicted_assignment_is_marked_and_cannot_be_opened(link):
    profile = moderator()
    clear = quick_assignment(profile, agency_name="Alder Adoption", due_in=-3)
    linked = quick_assignment(profile, agency_name="Birch Adoption", due_in=-2)
    agency = linked.application.agency
    if link == "declared link":
        profile.affiliated_agencies.add(agency)
    elif link == "works there":
        MembershipFactory(agency=agency, user=profile.user)
    elif link == "same e-mail domain":
        agency.email_domain = profile.user.email.rsplit("@", 1)[1].upper()
        agency.save()
    elif link == "partnership":
        partnership = AgencyFactory(name="Oak Partnership")
        partnership.partnership_members.add(agency)
        profile.affiliated_agencies.add(partnership)
    elif link == "region":
        agency.region, clear.application.agency.region = "london", "north_east"
        agency.save()
        clear.application.agency.save()
        profile.affiliated_regions = ["london"]
        profile.save()
    else:
        linked.declared_at, linked.declared_conflict = linked.assigned_at, True
        linked.save()

    response = _queue(profile)
    rows = {row["agency"]: row for row in queue_rows(response)}
    assert set(rows) == {"Alder Adoption", "Birch Adoption"}
    expected = "Conflict declared" if link == "declared" else "Conflict of interest"
    assert rows["Birch Adoption"]["status"].startswith(expected)
    assert "Overdue" not in rows["Birch Adoption"]["due"]
    assert "Conflict" not in rows["Alder Adoption"]["status"]
    assert "Overdue" in rows["Alder Adoption"]["due"]
    assert _opens(response, clear) and not _opens(response, linked)

    overdue = [row["agency"] for row in queue_rows(_queue(profile, "?status=overdue"))]
    assert overdue == ["Alder Adoption"]


def test_links_to_other_agencies_mark_nothing():
    profile = moderator()
    assignment = quick_assignment(profile, agency_name="Alder Adoption", due_in=-1)
    profile.affiliated_agencies.add(*AgencyFactory.create_batch(60))
    assignment.application.agency.region = "north_east"
    assignment.application.agency.save()
    profile.affiliated_regions = ["london", "south_west"]
    profile.save()

    response = _queue(profile)
    [row] = queue_rows(response)
    assert "Conflict" not in row["status"] and "Overdue" in row["due"]
    assert _opens(response, assignment)
