"""Blind tests of the conflict-of-interest promise, through the rendered pages.

A moderator is conflicted on an agency when they declared a link to it on their
profile, are a member of it, share its e-mail domain (case-insensitively), or it
is in a partnership with an agency they are conflicted on; and on one
application when they declared a conflict on its assignment. A conflicted
assignment offers no link from the queue, is left out of ``?status=overdue``,
and its application page answers 404; a chair's panel list leaves out
applications from agencies the chair is conflicted on. Unrelated agencies are
never treated as conflicted.

ModeratorProfile has no "excluded regions" field (only ``affiliated_regions``,
where the moderator works), so region is only checked as a negative: agencies in
other regions are not conflicted.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models.agencies import AgencyType, PartnershipMember, Region
from moderation.models.workflow import Assignment
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.moderation.builders import chair, moderator
from tests.moderation.test_reviewer_pages import (
    client_for,
    queue_rows,
    quick_application,
    quick_assignment,
    select,
    tree_of,
)

pytestmark = pytest.mark.django_db

QUEUE = "moderation:queue"
PANEL = "moderation:panel"


# --- data -----------------------------------------------------------------------------------


def assign(profile, application, *, due_in=21, declared_conflict=None) -> Assignment:
    assignment = quick_assignment(profile, application=application, due_in=due_in)
    if declared_conflict is not None:
        Assignment.objects.filter(pk=assignment.pk).update(
            declared_at=timezone.now(),
            declared_conflict=declared_conflict,
            declaration_details="I used to work there." if declared_conflict else "",
        )
        assignment.refresh_from_db()
    return assignment


def partnership_of(*members, **kwargs):
    partnership = AgencyFactory(agency_type=AgencyType.PARTNERSHIP, **kwargs)
    for member in members:
        PartnershipMember.objects.create(partnership=partnership, member=member)
    return partnership


def make_profile(kind: str, *, is_chair=False):
    """A moderator profile, and an agency they are conflicted on in the given way
    (with nothing else linking them): (profile, conflicted agency)."""
    build = chair if is_chair else moderator
    if kind == "affiliated":
        profile = build()
        agency = AgencyFactory(name="Linked Adoption Service")
        profile.affiliated_agencies.add(agency)
    elif kind == "member":
        profile = build()
        agency = AgencyFactory(name="Employer Adoption Service")
        MembershipFactory(user=profile.user, agency=agency)
    elif kind == "domain":
        profile = build(user=UserFactory(email="pat.moderator@shire-adopt.gov.uk"))
        agency = AgencyFactory(name="Shire Adoption", email_domain="shire-adopt.gov.uk")
    elif kind == "domain_mixed_case_email":
        profile = build(user=UserFactory(email="Pat.Moderator@Shire-Adopt.GOV.UK"))
        agency = AgencyFactory(name="Shire Adoption", email_domain="shire-adopt.gov.uk")
    elif kind == "domain_mixed_case_agency":
        profile = build(user=UserFactory(email="pat.moderator@shire-adopt.gov.uk"))
        agency = AgencyFactory(name="Shire Adoption", email_domain="Shire-Adopt.GOV.uk")
    elif kind == "partnership_of_affiliated_member":
        profile = build()
        linked = AgencyFactory(name="Linked Adoption Service")
        profile.affiliated_agencies.add(linked)
        agency = partnership_of(linked, AgencyFactory(), name="Adopt Together Partnership")
    elif kind == "partnership_of_employer":
        profile = build()
        employer = AgencyFactory(name="Employer Adoption Service")
        MembershipFactory(user=profile.user, agency=employer)
        agency = partnership_of(employer, AgencyFactory(), name="Adopt Together Partnership")
    elif kind == "partnership_of_domain_member":
        profile = build(user=UserFactory(email="pat@shire-adopt.gov.uk"))
        shire = AgencyFactory(name="Shire Adoption", email_domain="shire-adopt.gov.uk")
        agency = partnership_of(shire, AgencyFactory(), name="Adopt Together Partnership")
    elif kind == "member_of_affiliated_partnership":
        profile = build()
        agency = AgencyFactory(name="Member Adoption Service")
        partnership = partnership_of(agency, AgencyFactory(), name="Linked Partnership")
        profile.affiliated_agencies.add(partnership)
    else:  # pragma: no cover
        raise AssertionError(kind)
    return profile, agency


AGENCY_CONFLICTS = [
    "affiliated",
    "member",
    "domain",
    "domain_mixed_case_email",
    "domain_mixed_case_agency",
    "partnership_of_affiliated_member",
    "partnership_of_employer",
    "partnership_of_domain_member",
    "member_of_affiliated_partnership",
]


def unrelated_agency(**overrides):
    """An agency sharing nothing with the moderators built here."""
    values = {
        "name": "Faraway Adoption Agency",
        "email_domain": "faraway-adoption.org.uk",
        "region": Region.NORTH_EAST,
    }
    values.update(overrides)
    return AgencyFactory(**values)


# --- page readers ---------------------------------------------------------------------------


def application_links(response, application) -> list:
    url = reverse("moderation:application", args=[application.pk])
    return [a for a in select(tree_of(response), "a") if a.get("href") == url]


def queue(profile, **params):
    response = client_for(profile.user).get(reverse(QUEUE), params)
    assert response.status_code == 200
    return response


def references_in(response) -> set[str]:
    return {row["reference"] for row in queue_rows(response)}


def panel_references(response) -> set[str]:
    return {
        " ".join(link.text_content().split())
        for link in select(tree_of(response), "table#at-panel tbody a")
    }


# --- the queue: no link to a conflicted application -----------------------------------------


@pytest.mark.parametrize("kind", AGENCY_CONFLICTS)
def test_the_queue_offers_no_link_to_an_application_from_a_conflicted_agency(kind):
    profile, agency = make_profile(kind)
    conflicted = quick_application(agency)
    assign(profile, conflicted)
    clean = quick_application(unrelated_agency())
    assign(profile, clean)

    response = queue(profile)

    assert application_links(response, conflicted) == []
    # The same page still links the unrelated application: the check is not vacuous.
    assert len(application_links(response, clean)) == 1


def test_the_queue_offers_no_link_once_a_conflict_is_declared_on_the_assignment():
    profile = moderator()
    conflicted = quick_application(unrelated_agency())
    assign(profile, conflicted, declared_conflict=True)
    clean = quick_application(unrelated_agency(name="Other Adoption", email_domain="other.org.uk"))
    assign(profile, clean, declared_conflict=False)

    response = queue(profile)

    assert application_links(response, conflicted) == []
    assert len(application_links(response, clean)) == 1


# --- the overdue filter leaves conflicted assignments out -----------------------------------


@pytest.mark.parametrize(
    "kind", ["affiliated", "member", "domain", "partnership_of_affiliated_member"]
)
def test_the_overdue_filter_leaves_out_assignments_from_conflicted_agencies(kind):
    profile, agency = make_profile(kind)
    conflicted = quick_application(agency)
    assign(profile, conflicted, due_in=-5)
    clean = quick_application(unrelated_agency())
    assign(profile, clean, due_in=-5)

    response = queue(profile, status="overdue")

    references = references_in(response)
    assert conflicted.reference not in references
    assert clean.reference in references
    assert application_links(response, conflicted) == []


def test_the_overdue_filter_leaves_out_an_assignment_with_a_declared_conflict():
    profile = moderator()
    conflicted = quick_application(unrelated_agency())
    assign(profile, conflicted, due_in=-5, declared_conflict=True)
    clean = quick_application(unrelated_agency(name="Other Adoption", email_domain="other.org.uk"))
    assign(profile, clean, due_in=-5, declared_conflict=False)

    response = queue(profile, status="overdue")

    references = references_in(response)
    assert conflicted.reference not in references
    assert clean.reference in references


# --- opening a conflicted application directly ----------------------------------------------


@pytest.mark.parametrize("kind", AGENCY_CONFLICTS)
def test_opening_an_application_from_a_conflicted_agency_answers_404(kind):
    profile, agency = make_profile(kind)
    application = assign(profile, quick_application(agency)).application

    response = client_for(profile.user).get(
        reverse("moderation:application", args=[application.pk])
    )

    assert response.status_code == 404


def test_opening_an_application_after_declaring_a_conflict_answers_404():
    profile = moderator()
    application = assign(
        profile, quick_application(unrelated_agency()), declared_conflict=True
    ).application

    response = client_for(profile.user).get(
        reverse("moderation:application", args=[application.pk])
    )

    assert response.status_code == 404


# --- the chair's panel list -----------------------------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        "affiliated",
        "member",
        "domain",
        "domain_mixed_case_email",
        "partnership_of_affiliated_member",
        "member_of_affiliated_partnership",
    ],
)
def test_the_panel_list_leaves_out_applications_from_agencies_the_chair_is_conflicted_on(kind):
    profile, agency = make_profile(kind, is_chair=True)
    conflicted = quick_application(agency, status="panel")
    clean = quick_application(unrelated_agency(), status="panel")

    response = client_for(profile.user).get(reverse(PANEL))

    assert response.status_code == 200
    references = panel_references(response)
    assert conflicted.reference not in references
    assert clean.reference in references
    assert reverse("moderation:consolidation", args=[conflicted.pk]) not in (
        response.content.decode()
    )


# --- unrelated agencies are never conflicted ------------------------------------------------


def _moderator_with_every_kind_of_link(*, is_chair=False):
    """A moderator linked to their own agencies in every way, in the South West."""
    build = chair if is_chair else moderator
    profile = build(
        user=UserFactory(email="sam@home-adopt.gov.uk"),
        affiliated_regions=[Region.SOUTH_WEST],
    )
    profile.affiliated_agencies.add(
        AgencyFactory(name="Bristol Adoption", region=Region.SOUTH_WEST)
    )
    MembershipFactory(
        user=profile.user, agency=AgencyFactory(name="Bath Adoption", region=Region.SOUTH_WEST)
    )
    AgencyFactory(name="Home Adoption", email_domain="home-adopt.gov.uk", region=Region.SOUTH_WEST)
    return profile


UNRELATED = {
    "other_name_domain_region": {},
    "name_contains_a_linked_name": {"name": "Bristol Adoption North"},
    "domain_ends_with_the_moderators_domain": {"email_domain": "not-home-adopt.gov.uk"},
    "domain_is_a_parent_of_the_moderators_domain": {"email_domain": "gov.uk"},
    "no_domain": {"email_domain": ""},
    "partnership_of_unrelated_agencies": "partnership",
}


def _unrelated(key):
    overrides = UNRELATED[key]
    if overrides == "partnership":
        return partnership_of(
            unrelated_agency(name="Far A", email_domain="far-a.org.uk"),
            unrelated_agency(name="Far B", email_domain="far-b.org.uk"),
            name="Far Partnership",
            email_domain="far-partnership.org.uk",
            region=Region.NORTH_EAST,
        )
    return unrelated_agency(**overrides)


@pytest.mark.parametrize("key", list(UNRELATED))
def test_an_unrelated_agency_keeps_its_link_its_overdue_row_and_its_page(key):
    profile = _moderator_with_every_kind_of_link()
    application = quick_application(_unrelated(key))
    assign(profile, application, due_in=-5)
    client = client_for(profile.user)

    listed = client.get(reverse(QUEUE))
    overdue = client.get(reverse(QUEUE), {"status": "overdue"})
    page = client.get(reverse("moderation:application", args=[application.pk]))

    assert len(application_links(listed, application)) == 1
    assert application.reference in references_in(overdue)
    assert page.status_code != 404
    assert b"Conflict of interest" not in listed.content


@pytest.mark.parametrize("key", list(UNRELATED))
def test_the_panel_list_keeps_applications_from_unrelated_agencies(key):
    profile = _moderator_with_every_kind_of_link(is_chair=True)
    application = quick_application(_unrelated(key), status="panel")

    response = client_for(profile.user).get(reverse(PANEL))

    assert response.status_code == 200
    assert application.reference in panel_references(response)
