import pytest

from descriptors.io import parse_framework_file
from descriptors.services import import_framework
from tests.factories import UserFactory, enrol_totp

from .samples import framework_yaml


@pytest.fixture
def staff_user(db):
    user = UserFactory(is_coram_staff=True)
    enrol_totp(user)
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def make_framework(db, staff_user):
    """Import the sample framework as a draft (or published) framework."""

    def make(*, publish=False, **kwargs):
        data = parse_framework_file(framework_yaml(**kwargs), "yaml")
        return import_framework(data=data, actor=staff_user, publish=publish)

    return make


@pytest.fixture
def draft(make_framework):
    return make_framework()


@pytest.fixture
def published(make_framework):
    return make_framework(publish=True)
