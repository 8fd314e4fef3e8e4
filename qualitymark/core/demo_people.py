"""The demo's agencies and people: one person per role, each with the documented
local-only password."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from applications.models.agencies import Agency, AgencyType, Membership, Region
from moderation.models.profiles import ModeratorProfile
from qualitymark.users.models import User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented, local only
# A fixed authenticator secret for the demo moderators and staff, so a new user
# can sign in without enrolling a phone: `manage.py demo_totp_code` prints codes.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

DEMO_AGENCIES = [
    (
        "Tyneside Vale Council Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.NORTH_EAST,
        "SC400101",
        "tynesidevale.gov.uk",
    ),
    (
        "Adopt North Pennines",
        AgencyType.REGIONAL,
        Region.NORTH_EAST,
        "SC400102",
        "adoptnorthpennines.org.uk",
    ),
    (
        "Mersey Estuary Adoption",
        AgencyType.REGIONAL,
        Region.NORTH_WEST,
        "SC400103",
        "merseyestuaryadoption.org.uk",
    ),
    (
        "Lakeland Families Adoption Society",
        AgencyType.VOLUNTARY,
        Region.NORTH_WEST,
        "SC400104",
        "lakelandfamilies.org.uk",
    ),
    (
        "Calder and Aire Adoption",
        AgencyType.REGIONAL,
        Region.YORKSHIRE,
        "SC400105",
        "calderaire-adoption.org.uk",
    ),
    (
        "Humber Coast Council Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.YORKSHIRE,
        "SC400106",
        "humbercoast.gov.uk",
    ),
    (
        "Trent Valley Adoption",
        AgencyType.REGIONAL,
        Region.EAST_MIDLANDS,
        "SC400107",
        "trentvalleyadoption.org.uk",
    ),
    (
        "Charnwood Edge Children's Charity",
        AgencyType.VOLUNTARY,
        Region.EAST_MIDLANDS,
        "SC400108",
        "charnwoodedge.org.uk",
    ),
    (
        "Severn Heart Adoption",
        AgencyType.REGIONAL,
        Region.WEST_MIDLANDS,
        "SC400109",
        "severnheart.org.uk",
    ),
    (
        "Black Country Borough Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.WEST_MIDLANDS,
        "SC400110",
        "blackcountryborough.gov.uk",
    ),
    (
        "Fenland and Broads Adoption",
        AgencyType.REGIONAL,
        Region.EAST,
        "SC400111",
        "fenlandbroads.org.uk",
    ),
    (
        "Thameside Borough Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.LONDON,
        "SC400112",
        "thamesideborough.gov.uk",
    ),
    (
        "Capital Early Families",
        AgencyType.VOLUNTARY,
        Region.LONDON,
        "SC400113",
        "capitalearlyfamilies.org.uk",
    ),
    (
        "Downs and Weald Adoption",
        AgencyType.REGIONAL,
        Region.SOUTH_EAST,
        "SC400114",
        "downsweald.org.uk",
    ),
    (
        "Wessex Shore Adoption",
        AgencyType.REGIONAL,
        Region.SOUTH_WEST,
        "SC400115",
        "wessexshore.org.uk",
    ),
    (
        "Cotswold Hills Council Adoption Service",
        AgencyType.LOCAL_AUTHORITY,
        Region.SOUTH_WEST,
        "SC400116",
        "cotswoldhills.gov.uk",
    ),
]
DEMO_PARTNERSHIP = (
    "South West Early Permanence Partnership",
    Region.SOUTH_WEST,
    ["Wessex Shore Adoption", "Cotswold Hills Council Adoption Service"],
)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    job_title: str
    role: str


DEMO_PEOPLE = [
    DemoPerson("lead@wessexshore.org.uk", "Priya Lawrence", "Head of Service", "Agency lead"),
    DemoPerson(
        "member@wessexshore.org.uk",
        "Tom Ashdown",
        "Early permanence social worker",
        "Agency member",
    ),
    DemoPerson(
        "moderator@qualitymark.example",
        "Dr Helen Marsh",
        "Independent moderator (academic)",
        "Moderator",
    ),
    DemoPerson(
        "moderator2@qualitymark.example", "Gareth Olu", "Independent moderator (legal)", "Moderator"
    ),
    DemoPerson("chair@qualitymark.example", "Margaret Ellison", "Panel chair", "Panel chair"),
    DemoPerson("staff@coram.example", "Sam Whitfield", "Quality Mark coordinator", "Coram staff"),
]


def _website(domain: str) -> str:
    return f"https://www.{domain}"


def seed_agencies() -> dict[str, Agency]:
    agencies = {}
    for name, agency_type, region, urn, domain in DEMO_AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            name=name,
            defaults={
                "agency_type": agency_type,
                "region": region,
                "ofsted_urn": urn,
                "website": _website(domain),
                "email_domain": domain,
                "public_email": f"adoption@{domain}",
                "public_phone": "0300 123 4567",
            },
        )
        agencies[name] = agency
    name, region, member_names = DEMO_PARTNERSHIP
    partnership, created = Agency.objects.get_or_create(
        name=name,
        defaults={
            "agency_type": AgencyType.PARTNERSHIP,
            "region": region,
            "website": _website("swepartnership.org.uk"),
            "email_domain": "swepartnership.org.uk",
        },
    )
    if created:
        partnership.partnership_members.set(agencies[member] for member in member_names)
    agencies[name] = partnership
    return agencies


def _person(person: DemoPerson, **flags) -> User:
    user, created = User.objects.get_or_create(
        email=person.email,
        defaults={"full_name": person.full_name, "job_title": person.job_title, **flags},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _give_demo_authenticator(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)


DEMO_MODERATORS = {
    # e-mail: (expertise, chair rights, regions where they work or have worked)
    "moderator@qualitymark.example": (["academic"], False, [Region.NORTH_WEST]),
    "moderator2@qualitymark.example": (["legal"], False, [Region.EAST_MIDLANDS]),
    "chair@qualitymark.example": (["legal", "practice"], True, [Region.LONDON]),
}


def seed_people(agencies: dict[str, Agency]) -> dict[str, User]:
    """Everyone in DEMO_PEOPLE, keyed by e-mail and also by role (the first
    person with each role)."""
    by_email = {
        person.email: _person(
            person,
            **(
                {"is_coram_staff": True, "is_staff": True, "is_superuser": True}
                if person.role == "Coram staff"
                else {}
            ),
        )
        for person in DEMO_PEOPLE
    }
    people = dict(by_email)
    for person in DEMO_PEOPLE:
        people.setdefault(person.role, by_email[person.email])

    home_agency = agencies["Wessex Shore Adoption"]
    Membership.objects.get_or_create(
        user=people["Agency lead"], agency=home_agency, defaults={"role": Membership.Role.LEAD}
    )
    Membership.objects.get_or_create(
        user=people["Agency member"], agency=home_agency, defaults={"role": Membership.Role.MEMBER}
    )
    for email, (expertise, is_chair, regions) in DEMO_MODERATORS.items():
        ModeratorProfile.objects.get_or_create(
            user=by_email[email],
            defaults={"expertise": expertise, "is_chair": is_chair, "affiliated_regions": regions},
        )
    for user in by_email.values():
        if user.is_coram_staff or hasattr(user, "moderator_profile"):
            _give_demo_authenticator(user)
    return people
