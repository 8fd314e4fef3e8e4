import pytest

from descriptors.services import ensure_working_framework


@pytest.fixture
def framework(db):
    return ensure_working_framework()
