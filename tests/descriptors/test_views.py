import json
from datetime import timedelta

import pytest
import time_machine
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from descriptors.io import parse_framework_file
from descriptors.models import Framework, Marker
from tests.factories import UserFactory

from .samples import framework_json, framework_yaml, line_of, replace_line

pytestmark = pytest.mark.django_db


def upload(client, name, text):
    return client.post(
        reverse("staff:framework_upload"),
        {"file": SimpleUploadedFile(name, text.encode("utf-8"))},
    )


def staff_urls(framework):
    descriptor = framework.descriptors.get(number=1)
    marker = descriptor.markers.first()
    pk = framework.pk
    return [
        reverse("staff:framework_list"),
        reverse("staff:framework_upload"),
        reverse("staff:framework_detail", args=[pk]),
        reverse("staff:framework_edit", args=[pk]),
        reverse("staff:framework_publish", args=[pk]),
        reverse("staff:framework_new_version", args=[pk]),
        reverse("staff:framework_delete", args=[pk]),
        reverse("staff:framework_download", args=[pk, "yaml"]),
        reverse("staff:framework_descriptor_edit", args=[pk, 1]),
        reverse("staff:framework_marker_add", args=[pk, 1]),
        reverse("staff:framework_marker_edit", args=[pk, marker.pk]),
        reverse("staff:framework_marker_delete", args=[pk, marker.pk]),
    ]


def test_pages_are_not_there_for_someone_who_is_not_coram_staff(client, draft):
    client.force_login(UserFactory())
    for url in staff_urls(draft):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert Framework.objects.get().status == "draft"


def test_list_shows_every_version_with_its_status(staff_client, published, make_framework):
    make_framework(version=2)
    response = staff_client.get(reverse("staff:framework_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-tag--green" in content and "Published" in content
    assert "govuk-tag--yellow" in content and "Draft" in content
    assert reverse("staff:framework_detail", args=[published.pk]) in content


def test_detail_shows_descriptors_and_markers(staff_client, published):
    response = staff_client.get(reverse("staff:framework_detail", args=[published.pk]))
    content = response.content.decode()
    assert "Descriptor title 7" in content
    assert "Marker text 7.2" in content
    assert "Create a new draft version" in content
    assert "Edit Q1" not in content


def test_detail_of_a_draft_offers_editing(staff_client, draft):
    response = staff_client.get(reverse("staff:framework_detail", args=[draft.pk]))
    content = response.content.decode()
    assert reverse("staff:framework_descriptor_edit", args=[draft.pk, 3]) in content
    assert reverse("staff:framework_publish", args=[draft.pk]) in content


@pytest.mark.parametrize("name, text", [("f.yaml", framework_yaml()), ("f.json", framework_json())])
def test_upload_imports_a_draft(staff_client, name, text):
    response = upload(staff_client, name, text)
    framework = Framework.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:framework_detail", args=[framework.pk])
    assert framework.status == "draft"
    assert framework.descriptors.count() == 7


def test_upload_shows_line_level_errors_in_the_error_summary(staff_client):
    text = replace_line(framework_yaml(), "code: '3.1'", "- code: '4.1'")
    text = replace_line(text, "version: 1", "version: one")
    response = upload(staff_client, "broken.yaml", text)
    assert response.status_code == 200
    content = response.content.decode()
    start = content.index('class="govuk-error-summary"')
    summary = content[start : content.index("</ul>", start)]
    assert "line 2: version must be a whole number (1 or more)" in summary
    line = line_of(text, "'4.1'")
    assert f"line {line}: descriptor 3 marker &#x27;4.1&#x27; must start with &#x27;3.&#x27;" in (
        summary
    )
    assert 'href="#id_file"' in summary
    assert content.count("<title>Error:") == 1
    assert not Framework.objects.exists()


def test_upload_of_a_published_version_is_refused_with_its_line(staff_client, published):
    response = upload(staff_client, "again.yaml", framework_yaml())
    assert response.status_code == 200
    assert "line 2: version 1 of &#x27;test-framework&#x27; is already published" in (
        response.content.decode()
    )
    assert Framework.objects.count() == 1


def test_upload_needs_a_known_file_type(staff_client):
    response = upload(staff_client, "framework.txt", framework_yaml())
    assert "must end in .yaml, .yml or .json" in response.content.decode()
    assert not Framework.objects.exists()


def test_edit_framework_details(staff_client, draft):
    url = reverse("staff:framework_edit", args=[draft.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        {
            "title": "Renamed framework",
            "effective_from_0": "1",
            "effective_from_1": "9",
            "effective_from_2": "2026",
            "is_working_wording": "on",
            "notes": "Some notes",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Renamed framework"
    assert draft.effective_from.isoformat() == "2026-09-01"
    assert draft.is_working_wording


def test_edit_descriptor(staff_client, draft):
    url = reverse("staff:framework_descriptor_edit", args=[draft.pk, 4])
    page = staff_client.get(url)
    assert "Descriptor title 4" in page.content.decode()
    response = staff_client.post(url, {"title": "", "question": "Q?", "guidance": ""})
    assert "Enter the descriptor&#x27;s title" in response.content.decode()
    response = staff_client.post(
        url, {"title": "Better", "question": "Better question?", "guidance": "Help."}
    )
    assert response.status_code == 302
    descriptor = draft.descriptors.get(number=4)
    assert (descriptor.title, descriptor.question, descriptor.guidance) == (
        "Better",
        "Better question?",
        "Help.",
    )


def test_edit_pages_of_a_published_framework_are_not_found(staff_client, published):
    marker = Marker.objects.filter(descriptor__framework=published).first()
    for url in (
        reverse("staff:framework_edit", args=[published.pk]),
        reverse("staff:framework_descriptor_edit", args=[published.pk, 1]),
        reverse("staff:framework_marker_add", args=[published.pk, 1]),
        reverse("staff:framework_marker_edit", args=[published.pk, marker.pk]),
        reverse("staff:framework_marker_delete", args=[published.pk, marker.pk]),
        reverse("staff:framework_publish", args=[published.pk]),
        reverse("staff:framework_delete", args=[published.pk]),
    ):
        assert staff_client.post(url, {"title": "x", "code": "1.9", "text": "x"}).status_code == (
            404
        ), url


def test_add_edit_and_remove_a_marker(staff_client, draft):
    add_url = reverse("staff:framework_marker_add", args=[draft.pk, 2])
    response = staff_client.post(add_url, {"code": "3.1", "text": "Wrong descriptor"})
    assert "The code must start with &#x27;2.&#x27;" in response.content.decode()
    response = staff_client.post(add_url, {"code": "2.1", "text": "Clash"})
    assert "Q2 already has a marker 2.1" in response.content.decode()
    response = staff_client.post(add_url, {"code": "2.3", "text": "A third prompt"})
    assert response.status_code == 302
    marker = Marker.objects.get(descriptor__framework=draft, code="2.3")

    edit_url = reverse("staff:framework_marker_edit", args=[draft.pk, marker.pk])
    response = staff_client.post(edit_url, {"code": "2.3", "text": "Reworded"})
    assert response.status_code == 302
    marker.refresh_from_db()
    assert marker.text == "Reworded"

    delete_url = reverse("staff:framework_marker_delete", args=[draft.pk, marker.pk])
    assert "Remove marker 2.3?" in staff_client.get(delete_url).content.decode()
    assert staff_client.post(delete_url).status_code == 302
    assert not Marker.objects.filter(pk=marker.pk).exists()


def test_publish_confirmation_and_publish(staff_client, published):
    draft = Framework.objects.get(pk=published.pk)
    staff_client.post(reverse("staff:framework_new_version", args=[published.pk]))
    draft = Framework.objects.get(version=2)
    url = reverse("staff:framework_publish", args=[draft.pk])
    page = staff_client.get(url).content.decode()
    assert "Publish version 2" in page
    assert "Publishing this version retires it" in page
    response = staff_client.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == ("published", "retired")


def test_publish_page_lists_what_is_missing(staff_client, draft):
    draft.descriptors.get(number=5).markers.all().delete()
    url = reverse("staff:framework_publish", args=[draft.pk])
    page = staff_client.get(url).content.decode()
    assert "Q5 has no markers" in page
    assert "Publish framework" not in page
    staff_client.post(url)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_new_version_page(staff_client, published):
    url = reverse("staff:framework_new_version", args=[published.pk])
    assert "Create a new draft from version 1?" in staff_client.get(url).content.decode()
    response = staff_client.post(url)
    draft = Framework.objects.get(version=2)
    assert response["Location"] == reverse("staff:framework_detail", args=[draft.pk])
    double_click = staff_client.post(url, follow=True)
    assert double_click.redirect_chain[0][0] == response["Location"]
    assert "You sent this twice. We have done it once." in double_click.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        again = staff_client.post(url, follow=True)
    assert "already a draft" in again.content.decode()
    assert Framework.objects.count() == 2


def test_delete_draft_page(staff_client, draft):
    url = reverse("staff:framework_delete", args=[draft.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url)
    assert response["Location"] == reverse("staff:framework_list")
    assert not Framework.objects.exists()


def test_download_as_yaml_and_json(staff_client, published):
    response = staff_client.get(reverse("staff:framework_download", args=[published.pk, "yaml"]))
    assert response["Content-Type"].startswith("application/yaml")
    assert 'filename="test-framework-v1.yaml"' in response["Content-Disposition"]
    text = response.content.decode()
    assert yaml.safe_load(text)["name"] == "test-framework"
    assert parse_framework_file(text, "yaml") == parse_framework_file(framework_yaml(), "yaml")

    response = staff_client.get(reverse("staff:framework_download", args=[published.pk, "json"]))
    assert json.loads(response.content)["descriptors"][6]["markers"][1]["code"] == "7.2"
    missing = reverse("staff:framework_download", args=[published.pk, "xml"])
    assert staff_client.get(missing).status_code == 404


def test_staff_without_an_authenticator_are_sent_to_enrol(client, draft):
    client.force_login(UserFactory(is_coram_staff=True))
    response = client.get(reverse("staff:framework_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_framework_details_form_explains_an_impossible_date(staff_client, draft):
    response = staff_client.post(
        reverse("staff:framework_edit", args=[draft.pk]),
        {
            "title": "T",
            "effective_from_0": "31",
            "effective_from_1": "2",
            "effective_from_2": "2026",
        },
    )
    assert "Enter a real date, for example 1 4 2026" in response.content.decode()
    assert response.content.decode().count('name="csrfmiddlewaretoken"') == 2  # form + sign out
