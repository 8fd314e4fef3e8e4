"""The lists' SQL conflict condition leaves out exactly the applications the
conflict rules (`conflicts_for`) name, for every kind of link, whether the
moderator's blocked agencies are few enough to be written out or are handed
over as one array."""

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models.agencies import AgencyType, PartnershipMember, Region
from applications.models.submissions import Application
from applications.services.submissions import start_application
from descriptors.services import ensure_working_framework
from moderation import conflicts
from moderation.conflicts import blocked_agencies, conflict_condition, is_conflicted
from moderation.models.profiles import ModeratorProfile
from moderation.models.workflow import Assignment
from tests.factories import AgencyFactory, MembershipFactory, ModeratorProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

# A long list goes to PostgreSQL as one array; SQLite (the demo) always lists it.
PATHS = [
    pytest.param(50, id="listed"),
    pytest.param(0, id="array", marks=pytest.mark.postgres),
]


def _graph():
    """A partnership of two members, a lone agency in London, an agency on a
    shared e-mail domain, and one application from each."""
    ensure_working_framework()
    partnership = AgencyFactory(name="Partnership", agency_type=AgencyType.PARTNERSHIP)
    members = [AgencyFactory(name=f"Member {n}") for n in (1, 2)]
    for member in members:
        PartnershipMember.objects.create(partnership=partnership, member=member)
    lone = AgencyFactory(name="Lone", region=Region.LONDON)
    domain = AgencyFactory(name="Domain", email_domain="shared.org.uk")
    agencies = [partnership, *members, lone, domain]
    applications = [
        start_application(
            actor=MembershipFactory(agency=agency, role="lead").user,
            agency=agency,
            level_sought="full",
            kind="new",
        )
        for agency in agencies
    ]
    return agencies, applications


def _listed_as_conflicted(profile, applications) -> set[int]:
    profile = ModeratorProfile.objects.select_related("user").get(pk=profile.pk)
    return set(
        Application.objects.filter(pk__in=[a.pk for a in applications])
        .filter(conflict_condition(profile))
        .values_list("pk", flat=True)
    )


def _by_the_rules(profile, applications) -> set[int]:
    profile = ModeratorProfile.objects.select_related("user").get(pk=profile.pk)
    return {a.pk for a in applications if is_conflicted(profile, a)}


@pytest.mark.parametrize("literal_agencies", PATHS)
@pytest.mark.parametrize(
    "link",
    [
        "affiliated with the partnership",
        "affiliated with a member",
        "member of the lone agency",
        "shares the e-mail domain",
        "declared on an application",
        "works in the region",
        "no link",
    ],
)
def test_each_kind_of_link_leaves_out_what_the_rules_name(monkeypatch, link, literal_agencies):
    monkeypatch.setattr(conflicts, "LITERAL_AGENCIES", literal_agencies)
    (partnership, member, _, lone, _), applications = _graph()
    profile = ModeratorProfileFactory(user=UserFactory(email="pat@example.net"))
    if link == "affiliated with the partnership":
        profile.affiliated_agencies.add(partnership)
    elif link == "affiliated with a member":
        profile.affiliated_agencies.add(member)
    elif link == "member of the lone agency":
        MembershipFactory(user=profile.user, agency=lone)
    elif link == "shares the e-mail domain":
        profile.user.email = "pat@Shared.org.uk"
        profile.user.save()
    elif link == "declared on an application":
        Assignment.objects.create(
            application=applications[3],
            moderator=profile,
            role="lead",
            due_on=timezone.localdate(),
            assigned_by=UserFactory(is_coram_staff=True),
            declared_conflict=True,
        )
    elif link == "works in the region":
        profile.affiliated_regions = [Region.LONDON]
        profile.save()
    expected = _by_the_rules(profile, applications)
    assert _listed_as_conflicted(profile, applications) == expected
    if link != "no link":
        assert expected, "each link must conflict the moderator on something"


@pytest.mark.parametrize("literal_agencies", PATHS)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    affiliated=st.sets(st.integers(0, 4), max_size=3),
    member_of=st.sets(st.integers(0, 4), max_size=2),
    shares_domain=st.booleans(),
    regions=st.sets(st.sampled_from([Region.LONDON, Region.SOUTH_WEST]), max_size=1),
)
def test_any_mix_of_links_agrees_with_the_rules(
    monkeypatch, literal_agencies, affiliated, member_of, shares_domain, regions
):
    monkeypatch.setattr(conflicts, "LITERAL_AGENCIES", literal_agencies)
    agencies, applications = _graph()
    email = "sam@shared.org.uk" if shares_domain else "sam@example.net"
    profile = ModeratorProfileFactory(
        user=UserFactory(email=email.replace("sam", f"sam{agencies[0].pk}")),
        affiliated_regions=sorted(regions),
    )
    profile.affiliated_agencies.add(*(agencies[i] for i in affiliated))
    for i in member_of:
        MembershipFactory(user=profile.user, agency=agencies[i])
    assert _listed_as_conflicted(profile, applications) == _by_the_rules(profile, applications)


def test_the_blocked_agencies_are_read_once_for_the_profile(django_assert_num_queries):
    (partnership, *_), _ = _graph()
    profile = ModeratorProfileFactory()
    profile.affiliated_agencies.add(partnership)
    profile = ModeratorProfile.objects.select_related("user").get(pk=profile.pk)
    with django_assert_num_queries(1):
        first = blocked_agencies(profile)
        conflict_condition(profile)
        conflict_condition(profile, "application__")
    assert partnership.pk in first and len(first) == 3
