"""The notification log: every e-mail with what it is about and its status,
search and filters, resending a failed one, and a preview of every template."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from moderation.email_previews import EMAIL_DIR, render_preview, template_names
from qualitymark.audit.models import AuditEvent
from qualitymark.notifications.models import SentEmail
from qualitymark.notifications.services import notify

from .builders import moderator, staff_user, submitted_application
from .test_reviewer_pages import client_for, select, text, tree_of

pytestmark = pytest.mark.django_db

LOG = reverse("staff:emails")


def logged(response) -> list[list[str]]:
    rows = select(tree_of(response), "table#emails tbody tr")
    return [[text(cell) for cell in row.xpath("./td")] for row in rows]


def refuse_mail(settings):
    """A real SMTP connection to a port nothing listens on: the send fails."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 17149, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def test_every_email_is_listed_with_what_it_is_about_and_can_be_searched(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_application()
    staff = staff_user()
    client = client_for(staff)
    rows = logged(client.get(LOG))
    assert rows, "submitting sends e-mails"
    assert all(application.reference in row[3] for row in rows)
    assert all("Sent" in row[4] for row in rows)
    link = reverse("staff:application", args=[application.pk])
    assert select(tree_of(client.get(LOG)), f'table#emails a[href="{link}"]')

    lead = application.agency.memberships.get(role="lead").user.email
    assert {row[2] for row in logged(client.get(LOG, {"query": lead}))} == {lead}
    assert logged(client.get(LOG, {"query": "nobody@nowhere.example"})) == []
    submitted = logged(client.get(LOG, {"template": "application_submitted"}))
    assert [row[2] for row in submitted] == [lead]
    assert logged(client.get(LOG, {"status": "failed"})) == []


def test_a_failed_email_shows_its_error_and_is_sent_again(
    settings, django_capture_on_commit_callbacks
):
    application = submitted_application()
    refuse_mail(settings)
    with django_capture_on_commit_callbacks(execute=True):
        email = notify(
            template="application_accepted",
            to=["lead@example.org"],
            context={"application": application, "url": "http://testserver/"},
        )
    email.refresh_from_db()
    assert email.status == "retrying" and email.last_error
    client = client_for(staff_user())
    assert logged(client.get(LOG, {"status": "failed"})) == []
    [retrying] = logged(client.get(LOG, {"status": "retrying"}))
    assert "Refused, trying again" in retrying[4] and "Next try" in retrying[4]
    assert "Connection refused" in retrying[4]
    page = client.get(reverse("staff:email", args=[email.pk])).content.decode()
    assert "Last error" in page and "next try" in page and "Send it again" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:email_resend", args=[email.pk]))
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == "sent"
    assert [message.to for message in mail.outbox] == [["lead@example.org"]]
    page = client.get(reverse("staff:email", args=[email.pk])).content.decode()
    assert "Refused before it was sent" in page and "Last error" not in page
    [sent] = logged(client.get(LOG, {"status": "sent"}))
    assert "Next try" not in sent[4] and "Connection refused" not in sent[4]
    assert AuditEvent.objects.filter(action="email.resent").count() == 1


def test_every_email_template_has_a_preview_with_every_detail_filled_in(settings):
    files = {path.stem for path in EMAIL_DIR.glob("*.txt")}
    names = template_names()
    assert files <= set(names) | {"invitation_subject", "invitation_body"}
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "string_if_invalid": "MISSING[%s]"},
        }
    ]
    for name in names:
        subject, body = render_preview(name)
        assert subject.strip(), name
        assert "MISSING[" not in subject + body, (name, body)
        assert "None" not in body, name


def test_the_preview_pages_show_each_email():
    client = client_for(staff_user())
    index = client.get(reverse("staff:email_previews"))
    assert len(select(tree_of(index), "#previews li")) == len(template_names())
    page = client.get(reverse("staff:email_preview", args=["information_requested"]))
    assert "Severn Heart Adoption" in page.content.decode()
    assert client.get(reverse("staff:email_preview", args=["nothing"])).status_code == 404


def test_the_log_is_for_coram_staff_only():
    email = SentEmail.objects.create(template="x", recipients=["a@b.example"], subject="Hi")
    outsider = client_for(moderator().user)
    assert outsider.get(LOG).status_code == 404
    assert outsider.get(reverse("staff:email", args=[email.pk])).status_code == 404
    assert outsider.post(reverse("staff:email_resend", args=[email.pk])).status_code == 404
    preview = reverse("staff:email_preview", args=["review_overdue"])
    assert outsider.get(preview).status_code == 404
    assert client_for(staff_user()).get(preview).status_code == 200
    anonymous = Client().get(LOG)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_an_invitation_is_logged_without_its_link_and_resent_from_the_invitations_page(
    django_capture_on_commit_callbacks,
):
    from applications.services.invitations import send_invitation

    staff = staff_user()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = send_invitation(actor=staff, email="New.Mod@example.org", role="moderator")
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/invitations/accept/" in word)
    email = SentEmail.objects.get(template="invitation")
    assert email.status == "sent" and email.recipients == ["new.mod@example.org"]
    assert email.about_type == "applications.invitation"
    assert email.about_id == str(invitation.pk)
    assert link not in email.body and "[the invitation link, not kept]" in email.body

    client = client_for(staff)
    rows = logged(client.get(LOG, {"template": "invitation"}))
    assert [row[2] for row in rows] == ["new.mod@example.org"]
    page = client.get(reverse("staff:email", args=[email.pk])).content.decode()
    assert "Send it again" not in page
    assert reverse("staff:invitation_list") in page
    response = client.post(reverse("staff:email_resend", args=[email.pk]))
    assert response["Location"] == reverse("staff:invitation_list")
    assert SentEmail.objects.filter(template="invitation").count() == 1


@pytest.mark.parametrize(
    ("status", "label", "colour"),
    [
        ("sent", "Sent", "green"),
        ("retrying", "Refused, trying again", "yellow"),
        ("failed", "Failed", "red"),
        ("queued", "Queued", "grey"),
    ],
)
def test_each_status_shows_as_its_tag_on_the_log_and_the_email(status, label, colour):
    from django.utils import timezone

    email = SentEmail.objects.create(
        template="submitted",
        recipients=["lead@example.org.uk"],
        subject=f"A {status} e-mail",
        status=status,
        sent_at=timezone.now() if status == "sent" else None,
    )
    client = client_for(staff_user())
    for page in (LOG, reverse("staff:email", args=[email.pk])):
        [tag] = select(tree_of(client.get(page)), "main strong.govuk-tag")
        assert text(tag) == label, page
        assert f"govuk-tag--{colour}" in tag.get("class"), page


def test_an_email_whose_addresses_were_removed_is_not_sent_again():
    """An outside audit resent an e-mail the retention schedule had emptied: the page said a
    new copy was queued, showed it sent, and nothing went anywhere."""
    email = SentEmail.objects.create(
        template="application_accepted", recipients=[], subject="Accepted", body=""
    )
    client = client_for(staff_user())
    page = client.get(reverse("staff:email", args=[email.pk])).content.decode()
    assert "removed under the data retention schedule" in page
    assert "queued before the portal kept the text" not in page
    assert "Send it again" not in page
    response = client.post(reverse("staff:email_resend", args=[email.pk]), follow=True)
    assert "cannot be sent again" in response.content.decode()
    assert SentEmail.objects.count() == 1 and mail.outbox == []
