import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from applications.models.agencies import Agency, AgencyType, Membership, Region
from moderation.models.profiles import ModeratorProfile
from qualitymark.users.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        if extracted is not False:
            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Test Adoption Service {n}")
    agency_type = AgencyType.LOCAL_AUTHORITY
    region = Region.SOUTH_WEST
    ofsted_urn = factory.Sequence(lambda n: f"SC{100000 + n}")
    email_domain = factory.Sequence(lambda n: f"agency{n}.gov.uk")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.MEMBER


class ModeratorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModeratorProfile

    user = factory.SubFactory(UserFactory)
    expertise = ["practice"]


def enrol_totp(user) -> str:
    """Give a user an authenticator app; returns the secret for making codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
