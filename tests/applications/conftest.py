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


@pytest.fixture
def member(agency):
    """An agency member (not a lead) of the lead's agency."""
    return MembershipFactory(agency=agency, role="member").user


@pytest.fixture
def member_client(member):
    """A second browser, signed in as the member."""
    from django.test import Client

    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def draft(lead, agency):
    """A new draft application for Full, started by the lead."""
    from applications.services.submissions import start_application

    return start_application(actor=lead, agency=agency, level_sought="full", kind="new")
