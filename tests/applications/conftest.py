import pytest

from descriptors.services import ensure_working_framework
from tests.factories import MembershipFactory


@pytest.fixture
def framework(db):
    return ensure_working_framework()


@pytest.fixture
def lead_membership(framework):
    return MembershipFactory(role="lead", agency__public_email="adoption@example-agency.gov.uk")


@pytest.fixture
def lead(lead_membership):
    return lead_membership.user


@pytest.fixture
def agency(lead_membership):
    return lead_membership.agency


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client
