from io import StringIO

import pytest
from django.core.management import call_command

from applications.models.agencies import Agency
from moderation.models.awards import Award, AwardStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_leaves_published_awards_and_wessex_shore_free(client):
    call_command("seed_demo", stdout=StringIO())
    published = Award.objects.filter(is_published=True, status=AwardStatus.CURRENT)
    assert published.count() >= 1
    assert {award.level for award in published} == {"full", "working_towards"}
    wessex = Agency.objects.get(name="Wessex Shore Adoption")
    assert not wessex.applications.exists()
    page = client.get("/register/").content.decode()
    for award in published:
        assert award.agency.name in page
    call_command("seed_demo", stdout=StringIO())
    assert Award.objects.count() == published.count()
