import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models.agencies import Region
from moderation.models.profiles import ModeratorProfile
from moderation.services.profiles import (
    deactivate_moderator,
    reactivate_moderator,
    set_affiliated_agencies,
    set_panel_chair,
    update_moderator_profile,
)
from qualitymark.audit.models import AuditEvent
from qualitymark.users.roles import roles_of
from tests.applications.helpers import make_lead, make_moderator, make_staff
from tests.factories import AgencyFactory, ModeratorProfileFactory, enrol_totp

pytestmark = pytest.mark.django_db


# --- Services -----------------------------------------------------------------------


def test_a_moderator_updates_their_profile_with_field_level_audit():
    profile = make_moderator(expertise=["practice"])

    update_moderator_profile(
        actor=profile.user,
        profile=profile,
        expertise=["legal", "practice"],
        affiliated_regions=["london", "north_east"],
        biography="  Family lawyer.  ",
    )

    profile.refresh_from_db()
    assert profile.expertise == ["legal", "practice"]
    assert profile.affiliated_regions == ["north_east", "london"]  # in the scheme's order
    assert profile.biography == "Family lawyer."
    event = AuditEvent.objects.get(action="moderator.profile_updated")
    assert event.changes["expertise"] == ["['practice']", "['legal', 'practice']"]


def test_unknown_expertise_or_regions_are_refused():
    profile = make_moderator()
    with pytest.raises(ValidationError):
        update_moderator_profile(
            actor=profile.user,
            profile=profile,
            expertise=["astrology"],
            affiliated_regions=[],
            biography="",
        )
    with pytest.raises(ValidationError):
        update_moderator_profile(
            actor=profile.user,
            profile=profile,
            expertise=["legal"],
            affiliated_regions=["wales"],
            biography="",
        )


def test_nobody_else_edits_a_moderators_profile():
    profile = make_moderator()
    for actor in (make_moderator().user, make_lead()):
        with pytest.raises(PermissionDenied):
            update_moderator_profile(
                actor=actor,
                profile=profile,
                expertise=["legal"],
                affiliated_regions=[],
                biography="",
            )


def test_affiliated_agencies_are_replaced_and_audited():
    profile = make_moderator()
    first, second = AgencyFactory(name="Alpha"), AgencyFactory(name="Beta")
    profile.affiliated_agencies.set([first])

    set_affiliated_agencies(actor=profile.user, profile=profile, agencies=[second])

    assert list(profile.affiliated_agencies.all()) == [second]
    event = AuditEvent.objects.get(action="moderator.affiliations_updated")
    assert event.changes == {"affiliated_agencies": ["Alpha", "Beta"]}


def test_staff_toggle_chair_rights():
    staff = make_staff()
    profile = make_moderator()

    set_panel_chair(actor=staff, profile=profile, is_chair=True)
    profile.refresh_from_db()
    assert profile.is_chair
    assert roles_of(type(profile.user).objects.get(pk=profile.user_id)).panel_chair

    set_panel_chair(actor=staff, profile=profile, is_chair=False)
    profile.refresh_from_db()
    assert not profile.is_chair
    assert AuditEvent.objects.filter(action="moderator.chair_changed").count() == 2


def test_only_staff_change_chair_rights_or_deactivate():
    profile = make_moderator()
    with pytest.raises(PermissionDenied):
        set_panel_chair(actor=profile.user, profile=profile, is_chair=True)
    with pytest.raises(PermissionDenied):
        deactivate_moderator(actor=profile.user, profile=profile)


def test_deactivating_takes_away_the_role_and_chair_rights():
    staff = make_staff()
    profile = make_moderator(is_chair=True)

    deactivate_moderator(actor=staff, profile=profile)

    profile.refresh_from_db()
    assert not profile.is_active and not profile.is_chair
    fresh_user = type(profile.user).objects.get(pk=profile.user_id)
    assert not roles_of(fresh_user).moderator
    with pytest.raises(ValidationError):
        set_panel_chair(actor=staff, profile=profile, is_chair=True)

    reactivate_moderator(actor=staff, profile=profile)
    profile.refresh_from_db()
    assert profile.is_active and not profile.is_chair


# --- The moderator's own pages --------------------------------------------------------


@pytest.fixture
def moderator_client(client):
    profile = make_moderator(expertise=["academic"])
    client.force_login(profile.user)
    client.profile = profile
    return client


def test_the_profile_page_shows_the_current_answers(moderator_client):
    response = moderator_client.get("/moderation/profile/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="academic"' in html and "checked" in html
    assert "Yorkshire and the Humber" in html


def test_a_moderator_saves_their_profile(moderator_client):
    response = moderator_client.post(
        "/moderation/profile/",
        {"expertise": ["legal"], "affiliated_regions": ["london"], "biography": "Judge."},
    )
    assert response.status_code == 302
    profile = ModeratorProfile.objects.get(pk=moderator_client.profile.pk)
    assert profile.expertise == ["legal"]
    assert profile.affiliated_regions == ["london"]


def test_profile_errors_show_in_the_summary_and_beside_the_field(moderator_client):
    response = moderator_client.post("/moderation/profile/", {"biography": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "govuk-error-message" in html
    assert "Select at least one area of expertise" in html


def test_agencies_can_be_filtered_by_region_and_saved(moderator_client):
    london = AgencyFactory(name="London Agency", region=Region.LONDON)
    leeds = AgencyFactory(name="Leeds Agency", region=Region.YORKSHIRE)
    moderator_client.profile.affiliated_agencies.set([leeds])

    html = moderator_client.get(
        "/moderation/profile/agencies/", {"region": "london"}
    ).content.decode()
    assert "London Agency" in html
    assert "Leeds Agency" in html  # already chosen agencies are always shown

    response = moderator_client.post(
        "/moderation/profile/agencies/?region=london", {"agencies": [london.pk]}
    )
    assert response.status_code == 302
    assert list(moderator_client.profile.affiliated_agencies.all()) == [london]

    moderator_client.post("/moderation/profile/agencies/?region=london", {})
    assert moderator_client.profile.affiliated_agencies.count() == 0


def test_people_who_are_not_moderators_get_404_on_the_profile(client):
    client.force_login(make_lead())
    assert client.get("/moderation/profile/").status_code == 404
    deactivated = make_moderator(is_active=False)
    client.force_login(deactivated.user)
    assert client.get("/moderation/profile/").status_code == 404


# --- Staff pages ------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff())
    return client


def test_staff_list_moderators_with_expertise_and_chair_flag(staff_client):
    make_moderator(user__full_name="Ada Legal", expertise=["legal"], is_chair=True)
    make_moderator(user__full_name="Ben Academic", expertise=["academic"])

    html = staff_client.get("/staff/moderators/").content.decode()
    assert "Ada Legal" in html and "Ben Academic" in html
    assert "Panel chair" in html and "Legal" in html and "Academic" in html

    html = staff_client.get("/staff/moderators/", {"expertise": "legal"}).content.decode()
    assert "Ada Legal" in html and "Ben Academic" not in html
    make_moderator(user__full_name="Cy Both", expertise=["academic", "legal"])
    html = staff_client.get("/staff/moderators/", {"expertise": "legal"}).content.decode()
    assert "Ada Legal" in html and "Cy Both" in html and "Ben Academic" not in html

    html = staff_client.get("/staff/moderators/", {"status": "chair"}).content.decode()
    assert "Ada Legal" in html and "Ben Academic" not in html


def test_staff_list_shows_how_many_agencies_each_moderator_is_linked_to(staff_client):
    from lxml import html as lxml_html

    make_moderator(user__full_name="Ada Linked").affiliated_agencies.set(
        [AgencyFactory(), AgencyFactory(), AgencyFactory()]
    )
    make_moderator(user__full_name="Ben Linked").affiliated_agencies.set([AgencyFactory()])
    make_moderator(user__full_name="Cy Unlinked")

    page = lxml_html.fromstring(staff_client.get("/staff/moderators/").content)
    linked = {
        row.xpath("string(td[1]/a)").strip(): row.xpath("string(td[3])").strip()
        for row in page.xpath("//tbody/tr")
    }
    assert linked == {"Ada Linked": "3", "Ben Linked": "1", "Cy Unlinked": "0"}


def test_staff_give_chair_rights_and_deactivate_through_the_pages(staff_client):
    profile = make_moderator(user__full_name="Ada Legal")

    detail = staff_client.get(f"/staff/moderators/{profile.pk}/").content.decode()
    assert "Make panel chair" in detail

    assert staff_client.post(f"/staff/moderators/{profile.pk}/chair/").status_code == 302
    profile.refresh_from_db()
    assert profile.is_chair

    assert (
        "Remove Ada Legal"
        in staff_client.get(f"/staff/moderators/{profile.pk}/chair/").content.decode()
    )

    staff_client.post(f"/staff/moderators/{profile.pk}/deactivate/")
    profile.refresh_from_db()
    assert not profile.is_active

    staff_client.post(f"/staff/moderators/{profile.pk}/reactivate/")
    profile.refresh_from_db()
    assert profile.is_active


def test_moderators_cannot_use_the_staff_moderator_pages(client):
    profile = make_moderator()
    other = make_moderator()
    client.force_login(profile.user)
    assert client.get("/staff/moderators/").status_code == 404
    assert client.post(f"/staff/moderators/{other.pk}/chair/").status_code == 404
    other.refresh_from_db()
    assert not other.is_chair


def test_a_chair_without_staff_rights_gets_404_on_staff_pages(client):
    chair = make_moderator(is_chair=True)
    client.force_login(chair.user)
    assert client.get("/staff/").status_code == 404


def test_a_moderator_without_an_authenticator_is_sent_to_set_one_up(client):
    user = ModeratorProfileFactory().user
    client.force_login(user)
    response = client.get("/moderation/profile/")
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    enrol_totp(user)
    assert client.get("/moderation/profile/").status_code == 200
