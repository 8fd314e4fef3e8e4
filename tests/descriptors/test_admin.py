import pytest
from django.urls import reverse

from descriptors.models import Framework
from qualitymark.audit.models import AuditEvent
from tests.factories import UserFactory, enrol_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_staff=True, is_superuser=True, is_coram_staff=True)
    enrol_totp(user)
    client.force_login(user)
    return client


def test_published_framework_is_read_only_in_the_admin(admin_client, published):
    url = reverse("admin:descriptors_framework_change", args=[published.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    assert admin_client.post(url, {"title": "Changed"}).status_code == 403
    descriptor = published.descriptors.first()
    marker = descriptor.markers.first()
    for name, pk in (("descriptor", descriptor.pk), ("marker", marker.pk)):
        change_url = reverse(f"admin:descriptors_{name}_change", args=[pk])
        assert admin_client.get(change_url).status_code == 200
        assert admin_client.post(change_url, {"text": "x"}).status_code == 403
    delete_url = reverse("admin:descriptors_framework_delete", args=[published.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Framework.objects.get(pk=published.pk).title == "Test framework"


def test_a_draft_can_be_edited_in_the_admin_through_the_services(admin_client, draft):
    descriptor = draft.descriptors.get(number=1)
    url = reverse("admin:descriptors_descriptor_change", args=[descriptor.pk])
    assert 'name="title"' in admin_client.get(url).content.decode()
    markers = list(descriptor.markers.all())
    inline = {
        "markers-TOTAL_FORMS": len(markers),
        "markers-INITIAL_FORMS": len(markers),
        "markers-MIN_NUM_FORMS": 0,
        "markers-MAX_NUM_FORMS": 1000,
    }
    for index, marker in enumerate(markers):
        inline[f"markers-{index}-id"] = marker.pk
        inline[f"markers-{index}-descriptor"] = descriptor.pk
    response = admin_client.post(
        url, {"title": "From the admin", "question": "Why?", "guidance": "Because.", **inline}
    )
    assert response.status_code == 302
    descriptor.refresh_from_db()
    assert descriptor.title == "From the admin"
    assert AuditEvent.objects.filter(action="descriptor.updated").exists()


def test_nothing_is_added_in_the_admin(admin_client):
    for name in ("framework", "descriptor", "marker"):
        assert admin_client.get(reverse(f"admin:descriptors_{name}_add")).status_code == 403
