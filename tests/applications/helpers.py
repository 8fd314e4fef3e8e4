"""Small builders shared by the applications, moderation and users tests."""

import re

from django.core import mail

from applications.models.agencies import Membership
from tests.factories import (
    AgencyFactory,
    MembershipFactory,
    ModeratorProfileFactory,
    UserFactory,
    enrol_totp,
)

TOKEN_LINK = re.compile(r"https?://[^\s]+/invitations/accept/(?P<token>[^/\s]+)/")


def make_staff(**kwargs):
    user = UserFactory(is_coram_staff=True, **kwargs)
    enrol_totp(user)
    return user


def make_moderator(**kwargs):
    profile = ModeratorProfileFactory(**kwargs)
    enrol_totp(profile.user)
    return profile


def make_lead(agency=None, **user_kwargs):
    agency = agency or AgencyFactory()
    membership = MembershipFactory(
        agency=agency, user=UserFactory(**user_kwargs), role=Membership.Role.LEAD
    )
    return membership.user


def make_member(agency=None, **user_kwargs):
    agency = agency or AgencyFactory()
    membership = MembershipFactory(
        agency=agency, user=UserFactory(**user_kwargs), role=Membership.Role.MEMBER
    )
    return membership.user


def token_from_outbox(index: int = -1) -> str:
    match = TOKEN_LINK.search(mail.outbox[index].body)
    assert match, mail.outbox[index].body
    return match.group("token")


def accept_url(token: str) -> str:
    return f"/invitations/accept/{token}/"
