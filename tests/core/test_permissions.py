"""The one way a view declares its permission: found through the actor-scoped
selector, asked of the registered rule, and 404 when either fails."""

import pytest
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import Context, Template
from django.test import RequestFactory

from applications.models.agencies import Agency
from qualitymark.core.permissions import permission_required
from tests.applications.helpers import make_lead, make_member
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _agency(request, slug):
    return get_object_or_404(Agency, slug=slug)


@permission_required("applications.use_lead_pages", fetch=_agency)
def lead_page(request, agency, pk):
    return HttpResponse(f"{agency.slug}/{pk}")


def _get(user, **kwargs):
    request = RequestFactory().get("/")
    request.user = user
    return lead_page(request, **kwargs)


def test_the_view_gets_the_object_when_the_rule_holds():
    agency = AgencyFactory()
    response = _get(make_lead(agency), slug=agency.slug, pk=7)
    assert response.content.decode() == f"{agency.slug}/7"
    assert lead_page.permission_required == "applications.use_lead_pages"


def test_a_failed_rule_or_a_missing_object_is_404():
    agency = AgencyFactory()
    with pytest.raises(Http404):
        _get(make_member(agency), slug=agency.slug, pk=7)
    with pytest.raises(Http404):
        _get(make_lead(agency), slug="no-such-agency", pk=7)


def test_templates_ask_the_same_rule():
    agency = AgencyFactory()
    template = Template(
        '{% load permissions %}{% has_perm "applications.use_lead_pages" user agency as ok %}'
        "{{ ok }}"
    )
    assert template.render(Context({"user": make_lead(agency), "agency": agency})) == "True"
    assert template.render(Context({"user": make_member(agency), "agency": agency})) == "False"
