import pytest

from .builders import staff_user, submitted_application


@pytest.fixture
def staff():
    return staff_user()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def application():
    return submitted_application()
