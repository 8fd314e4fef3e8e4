"""Every account and the roles it holds, for Coram staff's people pages."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from applications.models.agencies import Membership
from qualitymark.users.models import User
from qualitymark.users.roles import roles_of

from ..models.profiles import ModeratorProfile

ROLE_FILTERS = {
    "coram_staff": "Coram staff",
    "moderator": "Moderators",
    "panel_chair": "Panel chairs",
    "agency_lead": "Agency leads",
    "agency_member": "Agency members",
    "none": "No role",
}


def people_visible_to(actor, *, query: str = "", role: str = "") -> QuerySet[User]:
    """Every account for Coram staff; nobody for anyone else."""
    if not roles_of(actor).coram_staff:
        return User.objects.none()
    active_memberships = Membership.objects.filter(
        user=OuterRef("pk"), is_active=True, agency__is_active=True
    )
    active_profile = ModeratorProfile.objects.filter(user=OuterRef("pk"), is_active=True)
    people = User.objects.annotate(
        is_lead=Exists(active_memberships.filter(role=Membership.Role.LEAD)),
        is_member=Exists(active_memberships.filter(role=Membership.Role.MEMBER)),
        is_moderator=Exists(active_profile),
        is_chair=Exists(active_profile.filter(is_chair=True)),
    )
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    role_filters = {
        "coram_staff": Q(is_coram_staff=True),
        "moderator": Q(is_moderator=True),
        "panel_chair": Q(is_chair=True),
        "agency_lead": Q(is_lead=True),
        "agency_member": Q(is_member=True),
        "none": Q(is_coram_staff=False, is_moderator=False, is_lead=False, is_member=False),
    }
    if role in role_filters:
        people = people.filter(role_filters[role])
    return people.order_by("full_name", "email")


def people_on_page(actor, pks: list[int]) -> list[User]:
    """The people a page of `people_visible_to(...).values_list("pk")` names,
    in its order, with the role flags `annotated_role_names` reads. Looked up
    for these people by index: as EXISTS columns the planner hashed every
    membership and profile, however few the rows."""
    if not roles_of(actor).coram_staff:
        return []
    people = User.objects.in_bulk(pks)
    for person in people.values():
        person.is_lead = person.is_member = person.is_moderator = person.is_chair = False
    memberships = (
        Membership.objects.filter(user_id__in=pks, is_active=True, agency__is_active=True)
        .order_by()
        .values_list("user_id", "role")
    )
    for user_id, role in memberships:
        person = people[user_id]
        person.is_lead |= role == Membership.Role.LEAD
        person.is_member |= role == Membership.Role.MEMBER
    profiles = ModeratorProfile.objects.filter(user_id__in=pks, is_active=True).order_by()
    for user_id, is_chair in profiles.values_list("user_id", "is_chair"):
        people[user_id].is_moderator = True
        people[user_id].is_chair |= is_chair
    return [people[pk] for pk in pks if pk in people]


def annotated_role_names(person) -> list[str]:
    """Role names for a row from people_visible_to, without further queries."""
    names = []
    if person.is_lead:
        names.append("Agency lead")
    if person.is_member:
        names.append("Agency member")
    if person.is_moderator:
        names.append("Moderator")
    if person.is_chair:
        names.append("Panel chair")
    if person.is_coram_staff:
        names.append("Coram staff")
    return names
