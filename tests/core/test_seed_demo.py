from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from applications.models.agencies import AgencyType, Region
from qualitymark.core.demo_people import DEMO_PASSWORD, DEMO_PEOPLE
from qualitymark.users.models import User
from qualitymark.users.roles import roles_of

pytestmark = pytest.mark.django_db


def _row_counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"users", "applications", "moderation", "descriptors", "mfa", "account"}
    }


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    first = _row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert _row_counts() == first


def test_demo_covers_every_region_and_agency_type():
    call_command("seed_demo", stdout=StringIO())
    from applications.models.agencies import Agency

    assert set(Agency.objects.values_list("region", flat=True)) == set(Region.values)
    assert set(Agency.objects.values_list("agency_type", flat=True)) == set(AgencyType.values)


def test_one_demo_person_per_role_can_sign_in():
    call_command("seed_demo", stdout=StringIO())
    seen_roles = set()
    for person in DEMO_PEOPLE:
        user = User.objects.get(email=person.email)
        seen_roles.update(roles_of(user).names)
        assert Client().login(email=person.email, password=DEMO_PASSWORD)
    assert seen_roles >= {"Agency lead", "Agency member", "Moderator", "Panel chair", "Coram staff"}


def test_seed_demo_refuses_in_production(settings):
    settings.PRODUCTION = True
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="local use only"):
        call_command("seed_demo")
