"""The moderator's pages: the conflict declaration gate, the queue, the
reading layout and review form (drafts, submission, validation), amendments
with their history, evidence downloads and information requests.

Independence across every route is in test_independence.py."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from applications.models.evidence import EvidenceFile, ScanStatus
from applications.models.submissions import Application
from applications.services.submissions import start_application
from descriptors.services import ensure_working_framework
from moderation.models.workflow import Assignment, InformationRequest, Recommendation, Review
from moderation.ratings import Rating
from moderation.services.assignments import assign_moderator
from moderation.services.information import respond_to_information_request
from moderation.services.screening import accept_for_moderation, record_eligibility, record_fee_paid
from qualitymark.audit.models import AuditEvent
from qualitymark.files.storage import store_private_file
from tests.applications.application_data import NARRATIVE
from tests.factories import AgencyFactory, MembershipFactory

from .builders import (
    chair,
    moderator,
    screened_application,
    staff_user,
    submit_review,
    submitted_application,
)

pytestmark = pytest.mark.django_db

EXCEEDS, MEETS, PARTLY, NOT_YET = (
    Rating.EXCEEDS,
    Rating.MEETS,
    Rating.PARTLY_MEETS,
    Rating.NOT_YET_EVIDENCED,
)


# --- helpers (also used by test_independence) ---------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tree_of(response):
    return lxml_html.fromstring(response.content.decode())


def _xpath(css: str) -> str:
    """A CSS selector (tags, #id, .class, [attr], [attr="v"], [attr^="v"],
    descendants) as XPath, so tests read like the templates."""
    steps = []
    for part in css.split():
        tag, conditions = "*", []
        for match in re.finditer(r"[a-z0-9]+|#[\w-]+|\.[\w-]+|\[[^\]]+\]", part):
            token = match.group()
            if token.startswith("#"):
                conditions.append(f"@id='{token[1:]}'")
            elif token.startswith("."):
                conditions.append(f"contains(concat(' ', @class, ' '), ' {token[1:]} ')")
            elif token.startswith("["):
                inner = token[1:-1]
                if "^=" in inner:
                    name, value = inner.split("^=", 1)
                    conditions.append(f"starts-with(@{name}, '{value.strip(chr(34))}')")
                elif "=" in inner:
                    name, value = inner.split("=", 1)
                    conditions.append(f"@{name}='{value.strip(chr(34))}'")
                else:
                    conditions.append(f"@{inner}")
            else:
                tag = token
        steps.append(tag + "".join(f"[{condition}]" for condition in conditions))
    return ".//" + "//".join(steps)


def select(node, css: str) -> list:
    return node.xpath(_xpath(css))


def text(node) -> str:
    return " ".join(node.text_content().split())


def error_summary(response) -> list[tuple[str, str]]:
    """(message, link) for each entry in the error summary."""
    return [
        (text(link), link.get("href"))
        for link in select(tree_of(response), ".govuk-error-summary__list a")
    ]


def field_error(response, field_id: str) -> str:
    found = select(tree_of(response), f"#{field_id}-error")
    return text(found[0]) if found else ""


def add_evidence(application, *, section_key="q1", name="tracking-policy.pdf", body=b"%PDF-1.4 x"):
    """A checked evidence file, stored as the upload service stores it."""
    stored = store_private_file(
        SimpleUploadedFile(name, body, "application/pdf"), prefix=f"evidence/{application.pk}"
    )
    return EvidenceFile.objects.create(
        application=application,
        section_key=section_key,
        storage_key=stored.key,
        original_name=name,
        kind="pdf",
        content_type="application/pdf",
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=application.created_by,
        scan_status=ScanStatus.CLEAN,
    )


def undeclared_application(moderators=None):
    """Accepted for moderation; the moderators have not yet declared."""
    application = submitted_application()
    staff = staff_user()
    record_fee_paid(
        actor=staff, application=application, paid_on=timezone.localdate(), invoice_number="INV-2"
    )
    record_eligibility(actor=staff, application=application, eligible=True)
    moderators = moderators or [moderator(), moderator()]
    assignments = [
        assign_moderator(
            actor=staff,
            application=application,
            moderator=profile,
            role=Assignment.Role.LEAD if index == 0 else Assignment.Role.SECOND,
            due_on=timezone.localdate() + timedelta(days=21),
        )
        for index, profile in enumerate(moderators)
    ]
    application = accept_for_moderation(actor=staff, application=application)
    return application, assignments


def review_post(
    application, *, action="save", ratings=None, recommendation="", summary="", **extra
):
    """The review form's POST data. ratings: {number: value or None}."""
    data = {"action": action, "recommendation": recommendation, "summary": summary, **extra}
    for descriptor in application.framework.descriptors.all():
        value = (ratings or {}).get(descriptor.number)
        prefix = f"q{descriptor.number}"
        if value is not None:
            data[f"{prefix}_rating"] = str(value)
        data[f"{prefix}_strengths"] = f"Strength noted on {descriptor.code}."
        data[f"{prefix}_areas"] = f"Develop {descriptor.code}."
    return data


def every(value):
    return dict.fromkeys(range(1, 8), value)


# --- The declaration gate -------------------------------------------------------------------


def test_nothing_is_shown_before_the_declaration():
    application, assignments = undeclared_application()
    evidence = add_evidence(application)
    client = client_for(assignments[0].moderator.user)
    declare_url = reverse("moderation:declare", args=[application.pk])

    for name in ("application", "review", "reviews", "reviews_export", "request_information"):
        response = client.get(reverse(f"moderation:{name}", args=[application.pk]))
        assert response.status_code == 302, name
        assert response["Location"] == declare_url, name
    download = reverse("moderation:evidence_download", args=[application.pk, evidence.pk])
    assert client.get(download).status_code == 404

    response = client.get(declare_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert application.agency.name in page
    assert application.agency.get_agency_type_display() in page
    assert "Do you have a conflict of interest with this agency or its partners?" in page
    assert NARRATIVE[:40] not in page
    assert evidence.original_name not in page


def test_declaring_no_conflict_opens_the_application():
    application, assignments = undeclared_application()
    evidence = add_evidence(application)
    client = client_for(assignments[0].moderator.user)

    response = client.post(
        reverse("moderation:declare", args=[application.pk]), {"has_conflict": "no"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:application", args=[application.pk])
    page = client.get(response["Location"]).content.decode()
    assert NARRATIVE[:40] in page
    assert evidence.original_name in page
    assert AuditEvent.objects.filter(action="assignment.no_conflict_declared").exists()
    # Declaring again is not offered.
    again = client.get(reverse("moderation:declare", args=[application.pk]))
    assert again.status_code == 302


def test_a_conflict_needs_details_shown_in_the_summary_and_beside_the_field():
    application, assignments = undeclared_application()
    client = client_for(assignments[0].moderator.user)
    url = reverse("moderation:declare", args=[application.pk])

    response = client.post(url, {"has_conflict": "yes", "details": " "})
    assert response.status_code == 200
    assert error_summary(response) == [("Describe the conflict of interest", "#id_details")]
    assert "Describe the conflict of interest" in field_error(response, "id_details")

    response = client.post(url, {})
    summary = error_summary(response)
    assert summary[0][1] == "#id_has_conflict_1"
    assert select(tree_of(response), "#id_has_conflict_1")


def test_a_declared_conflict_closes_the_application_and_its_files():
    application, assignments = undeclared_application()
    evidence = add_evidence(application)
    user = assignments[0].moderator.user
    client = client_for(user)

    response = client.post(
        reverse("moderation:declare", args=[application.pk]),
        {"has_conflict": "yes", "details": "I trained their panel last year."},
    )
    assert response.status_code == 200
    assert "Thank you for telling us" in response.content.decode()
    assignment = Assignment.objects.get(pk=assignments[0].pk)
    assert assignment.declared_conflict

    for name in ("application", "review", "amend", "reviews", "reviews_export", "declare"):
        assert client.get(reverse(f"moderation:{name}", args=[application.pk])).status_code == 404
    download = reverse("moderation:evidence_download", args=[application.pk, evidence.pk])
    assert client.get(download).status_code == 404
    post = client.post(
        reverse("moderation:review", args=[application.pk]), review_post(application)
    )
    assert post.status_code == 404

    queue = client.get(reverse("moderation:queue")).content.decode()
    assert "Conflict declared" in queue
    assert reverse("moderation:application", args=[application.pk]) not in queue


def test_unassigned_moderators_and_other_people_get_404():
    application, _ = screened_application()
    evidence = add_evidence(application)
    outsiders = [moderator().user, staff_user(), MembershipFactory(agency=application.agency).user]
    for user in outsiders:
        client = client_for(user)
        for name in ("application", "declare", "review", "reviews", "reviews_export"):
            url = reverse(f"moderation:{name}", args=[application.pk])
            assert client.get(url).status_code == 404, (user, name)
        download = reverse("moderation:evidence_download", args=[application.pk, evidence.pk])
        assert client.get(download).status_code == 404


# --- The queue ------------------------------------------------------------------------------


def queue_rows(response) -> list[dict]:
    rows = []
    for row in select(tree_of(response), "table.govuk-table tbody tr"):
        cells = [text(cell) for cell in select(row, "td")]
        rows.append(
            {
                "agency": cells[0],
                "reference": cells[1],
                "role": cells[2],
                "due": cells[3],
                "status": cells[5],
            }
        )
    return rows


def quick_application(agency=None, *, agency_name=None, status="in_review") -> Application:
    """A minimal application in `status`, from `agency` (or a new one)."""
    framework = ensure_working_framework()
    agency = agency or AgencyFactory(**({"name": agency_name} if agency_name else {}))
    lead = MembershipFactory(agency=agency, role="lead").user
    application = start_application(actor=lead, agency=agency, level_sought="full", kind="new")
    Application.objects.filter(pk=application.pk).update(
        status=status, reference=f"EPQM-2026-{application.pk:04d}", framework=framework
    )
    application.refresh_from_db()
    return application


def quick_assignment(
    profile,
    *,
    agency_name=None,
    application=None,
    due_in=21,
    status="in_review",
    role="lead",
):
    """An assignment on a minimal application, for queue tests that need many."""
    return Assignment.objects.create(
        application=application or quick_application(agency_name=agency_name, status=status),
        moderator=profile,
        role=role,
        due_on=timezone.localdate() + timedelta(days=due_in),
        assigned_by=staff_user(),
    )


def test_the_queue_lists_assignments_with_status_due_date_and_overdue_flag():
    profile = moderator()
    not_started = quick_assignment(profile, agency_name="Alder Adoption", due_in=10)
    overdue = quick_assignment(profile, agency_name="Birch Adoption", due_in=-2)
    in_progress = quick_assignment(profile, agency_name="Cedar Adoption", due_in=5)
    Review.objects.create(assignment=in_progress, version=1)
    submitted = quick_assignment(profile, agency_name="Damson Adoption", due_in=-5)
    Review.objects.create(
        assignment=submitted,
        version=2,
        submitted_at=timezone.now(),
        recommendation=Recommendation.FULL,
    )
    quick_assignment(moderator(), agency_name="Someone Else's")  # not in this queue

    response = client_for(profile.user).get(reverse("moderation:queue"))
    rows = queue_rows(response)
    assert [row["agency"] for row in rows] == [
        "Damson Adoption",
        "Birch Adoption",
        "Cedar Adoption",
        "Alder Adoption",
    ]  # due date, soonest first
    by_agency = {row["agency"]: row for row in rows}
    assert by_agency["Alder Adoption"]["status"].startswith("Not started")
    assert by_agency["Cedar Adoption"]["status"].startswith("In progress")
    assert by_agency["Damson Adoption"]["status"].startswith("Submitted")
    assert "Overdue" in by_agency["Birch Adoption"]["due"]
    assert "Overdue" not in by_agency["Damson Adoption"]["due"]  # submitted is never overdue
    assert by_agency["Alder Adoption"]["reference"] == not_started.application.reference
    assert by_agency["Alder Adoption"]["role"] == "Lead moderator"
    link = reverse("moderation:application", args=[overdue.application.pk])
    assert select(tree_of(response), f'a[href="{link}"]')


def test_the_queue_sorts_and_filters_by_get_parameters():
    profile = moderator()
    quick_assignment(profile, agency_name="Cedar Adoption", due_in=3)
    quick_assignment(profile, agency_name="Alder Adoption", due_in=20)
    overdue = quick_assignment(profile, agency_name="Birch Adoption", due_in=-1)
    started = quick_assignment(profile, agency_name="Damson Adoption", due_in=9)
    Review.objects.create(assignment=started, version=1)
    client = client_for(profile.user)

    def agencies(**params):
        return [
            row["agency"] for row in queue_rows(client.get(reverse("moderation:queue"), params))
        ]

    assert agencies(sort="agency") == [
        "Alder Adoption",
        "Birch Adoption",
        "Cedar Adoption",
        "Damson Adoption",
    ]
    assert agencies(sort="-due") == [
        "Alder Adoption",
        "Damson Adoption",
        "Cedar Adoption",
        "Birch Adoption",
    ]
    assert agencies(sort="assigned") == [
        "Damson Adoption",
        "Birch Adoption",
        "Alder Adoption",
        "Cedar Adoption",
    ]
    assert agencies(sort="nonsense")[0] == "Birch Adoption"  # falls back to due date
    assert agencies(status="overdue") == [overdue.application.agency.name]
    assert agencies(status="in_progress") == ["Damson Adoption"]
    assert agencies(status="not_started") == ["Birch Adoption", "Cedar Adoption", "Alder Adoption"]
    assert agencies(status="submitted") == []
    assert agencies(status="overdue", sort="agency") == ["Birch Adoption"]

    # The column headers are links that keep the filter and flip the due-date order.
    response = client.get(reverse("moderation:queue"), {"sort": "due", "status": "not_started"})
    headers = select(tree_of(response), "thead th")
    due = next(header for header in headers if "Due date" in text(header))
    assert due.get("aria-sort") == "ascending"
    assert select(due, "a")[0].get("href") == "?sort=-due&status=not_started"
    empty = client.get(reverse("moderation:queue"), {"status": "submitted"}).content.decode()
    assert "None of your applications match this filter" in empty


def test_the_queue_links_chairs_to_panel_work():
    assert (
        reverse("moderation:panel")
        in client_for(chair().user).get(reverse("moderation:queue")).content.decode()
    )
    assert (
        reverse("moderation:panel")
        not in client_for(moderator().user).get(reverse("moderation:queue")).content.decode()
    )


def test_the_queue_runs_the_same_queries_for_2_or_10_assignments():
    few, many = moderator(), moderator()
    for _ in range(2):
        quick_assignment(few)
    for index in range(10):
        assignment = quick_assignment(many)
        if index % 2:
            Review.objects.create(assignment=assignment, version=1)

    def count(profile):
        client = client_for(profile.user)
        client.get(reverse("moderation:queue"))  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("moderation:queue"))
        assert response.status_code == 200
        return len(queries)

    assert count(few) == count(many)


def test_the_queue_is_for_moderators_only():
    assert client_for(staff_user()).get(reverse("moderation:queue")).status_code == 404


# --- The reading layout and the review form -------------------------------------------------


def test_the_reading_layout_shows_each_descriptor_beside_its_review_fields():
    application, assignments = screened_application()
    evidence = add_evidence(application, section_key="q2", name="ep-tracker.pdf")
    client = client_for(assignments[0].moderator.user)

    response = client.get(reverse("moderation:application", args=[application.pk]))
    assert response.status_code == 200
    tree = tree_of(response)
    q2 = select(tree, "#section-q2")[0]
    assert NARRATIVE[:40] in text(q2)
    download = reverse("moderation:evidence_download", args=[application.pk, evidence.pk])
    assert select(q2, f'a[href="{download}"]')
    assert select(q2, 'input[name="q2_rating"]')
    assert select(q2, 'textarea[name="q2_strengths"]')
    assert select(q2, 'textarea[name="q2_areas"]')
    for key in ("about", "ep-data"):
        assert select(tree, f"#section-{key}")
    assert "Fostering for Adoption placements made" in text(select(tree, "#section-ep-data")[0])
    assert not select(tree, "#section-fee")
    form = select(tree, f'form[action="{reverse("moderation:review", args=[application.pk])}"]')
    assert form and select(form[0], 'input[name="layout"][value="reading"]')
    assert select(tree, 'input[name="recommendation"]')
    # The scale, highest first, from settings.
    scale = [text(item) for item in select(tree, ".govuk-details__text ol li")]
    assert scale == ["Exceeds", "Meets", "Partly meets", "Not yet evidenced"]


def test_rating_labels_come_from_settings(settings):
    settings.RATING_LABELS = {
        "not_yet_evidenced": "Not shown",
        "partly_meets": "Emerging",
        "meets": "Established",
        "exceeds": "Outstanding",
    }
    application, assignments = screened_application()
    response = client_for(assignments[0].moderator.user).get(
        reverse("moderation:review", args=[application.pk])
    )
    labels = [text(label) for label in select(tree_of(response), 'label[for^="id_q1_rating_"]')]
    assert labels == ["Outstanding", "Established", "Emerging", "Not shown"]
    values = [item.get("value") for item in select(tree_of(response), 'input[name="q1_rating"]')]
    assert values == ["exceeds", "meets", "partly_meets", "not_yet_evidenced"]


def test_a_draft_saves_and_keeps_its_values():
    application, assignments = screened_application()
    client = client_for(assignments[0].moderator.user)
    url = reverse("moderation:review", args=[application.pk])

    response = client.post(
        url,
        review_post(
            application,
            ratings={1: EXCEEDS, 2: PARTLY},
            recommendation=Recommendation.WORKING_TOWARDS,
            summary="Half way through.",
            layout="reading",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:application", args=[application.pk])
    review = Review.objects.get(assignment=assignments[0])
    assert not review.is_submitted
    assert review.version == 1
    ratings = {rating.descriptor.number: rating for rating in review.ratings.all()}
    assert ratings[1].rating == EXCEEDS
    assert ratings[2].rating == PARTLY
    assert ratings[3].rating is None
    assert ratings[4].strengths == "Strength noted on Q4."

    for page in ("review", "application"):
        tree = tree_of(client.get(reverse(f"moderation:{page}", args=[application.pk])))
        assert select(tree, 'input[name="q1_rating"][value="exceeds"][checked]')
        assert select(tree, 'input[name="q2_rating"][value="partly_meets"][checked]')
        assert not select(tree, 'input[name="q3_rating"][checked]')
        assert select(tree, 'input[name="recommendation"][value="working_towards"][checked]')
        assert text(select(tree, "#id_summary")[0]) == "Half way through."
        assert text(select(tree, "#id_q4_strengths")[0]) == "Strength noted on Q4."

    queue = queue_rows(client.get(reverse("moderation:queue")))
    assert queue[0]["status"].startswith("In progress")


def test_submitting_checks_every_descriptor_is_rated():
    application, assignments = screened_application()
    client = client_for(assignments[0].moderator.user)
    url = reverse("moderation:review", args=[application.pk])
    ratings = every(MEETS)
    ratings[3] = None

    response = client.post(url, review_post(application, action="submit", ratings=ratings))
    assert response.status_code == 200
    assert error_summary(response) == [
        ("Select a rating for Q3", "#id_q3_rating_1"),
        ("Select your overall recommendation", "#id_recommendation_1"),
        ("Write a summary for the panel", "#id_summary"),
    ]
    assert "Select a rating for Q3" in field_error(response, "id_q3_rating")
    assert "Write a summary for the panel" in field_error(response, "id_summary")
    tree = tree_of(response)
    for anchor in ("id_q3_rating_1", "id_recommendation_1", "id_summary"):
        assert select(tree, f"#{anchor}")
    # What was typed is kept, and nothing was submitted.
    assert select(tree, 'input[name="q1_rating"][value="meets"][checked]')
    assert response.content.decode().count("Error:") >= 3
    assert not Review.objects.filter(assignment=assignments[0], submitted_at__isnull=False).exists()

    # From the reading layout, the errors show on the reading layout.
    response = client.post(
        url, review_post(application, action="submit", ratings=ratings, layout="reading")
    )
    assert response.status_code == 200
    tree = tree_of(response)
    assert select(tree, "#section-q3 #id_q3_rating-error")
    assert ("Select a rating for Q3", "#id_q3_rating_1") in error_summary(response)


def test_submitting_confirms_and_the_last_review_sends_the_application_to_panel():
    application, assignments = screened_application()
    client = client_for(assignments[0].moderator.user)
    url = reverse("moderation:review", args=[application.pk])

    response = client.post(
        url,
        review_post(
            application,
            action="submit",
            ratings=every(MEETS),
            recommendation=Recommendation.FULL,
            summary="Well evidenced throughout.",
        ),
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Review submitted" in page.content.decode()
    assert select(
        tree_of(page), f'a[href="{reverse("moderation:reviews", args=[application.pk])}"]'
    )
    review = Review.objects.get(assignment=assignments[0])
    assert review.is_submitted
    assert review.revisions.count() == 1
    application.refresh_from_db()
    assert application.status == "in_review"
    # Submitting again is refused quietly: the form is gone.
    again = client.post(url, review_post(application, action="submit", ratings=every(MEETS)))
    assert again.status_code == 302

    second = client_for(assignments[1].moderator.user)
    second.post(
        url,
        review_post(
            application,
            action="submit",
            ratings=every(EXCEEDS),
            recommendation=Recommendation.FULL,
            summary="Excellent.",
        ),
    )
    application.refresh_from_db()
    assert application.status == "panel"
    # At panel the reading layout is read only and shows the saved ratings.
    tree = tree_of(client.get(reverse("moderation:application", args=[application.pk])))
    assert not select(tree, 'input[name="q1_rating"]')
    assert "Meets" in text(select(tree, "#section-q1 .qm-review-panel")[0])


# --- Amendments -----------------------------------------------------------------------------


def test_an_amendment_needs_a_reason_and_is_kept_in_the_history():
    application, assignments = screened_application()
    submit_review(assignments[0], value=MEETS, recommendation=Recommendation.WORKING_TOWARDS)
    client = client_for(assignments[0].moderator.user)
    url = reverse("moderation:amend", args=[application.pk])

    tree = tree_of(client.get(url))
    assert select(tree, 'input[name="q1_rating"][value="meets"][checked]')
    assert select(tree, 'input[name="recommendation"][value="working_towards"][checked]')

    ratings = every(MEETS)
    ratings[4] = EXCEEDS
    data = review_post(
        application,
        ratings=ratings,
        recommendation=Recommendation.FULL,
        summary="On reflection Q4 is a strength.",
    )
    response = client.post(url, {**data, "reason": ""})
    assert response.status_code == 200
    assert ("Say what you changed and why", "#id_reason") in error_summary(response)
    assert "Say what you changed and why" in field_error(response, "id_reason")

    response = client.post(url, {**data, "reason": "I missed the carer support policy."})
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignments[0])
    snapshots = list(review.revisions.order_by("number").values_list("snapshot", flat=True))
    assert [item["recommendation"] for item in snapshots] == ["working_towards", "full"]

    page = client.get(reverse("moderation:review", args=[application.pk]))
    history = text(select(tree_of(page), "#history")[0].getparent())
    assert "I missed the carer support policy." in history
    assert "Q4 rating: Meets to Exceeds" in history
    assert "Recommendation: Working Towards to Full" in history
    assert "Version 1" in history and "Version 2" in history
    assert "History of your review" in client.get(url).content.decode()


def test_amending_is_closed_before_submission_and_once_the_panel_opens():
    application, assignments = screened_application()
    client = client_for(assignments[0].moderator.user)
    url = reverse("moderation:amend", args=[application.pk])
    assert client.get(url)["Location"] == reverse("moderation:review", args=[application.pk])

    submit_review(assignments[0])
    submit_review(assignments[1])
    application.refresh_from_db()
    assert application.status == "panel"
    response = client.get(url)
    assert response.status_code == 302
    data = {**review_post(application, ratings=every(EXCEEDS)), "reason": "Too late"}
    client.post(url, data)
    assert Review.objects.get(assignment=assignments[0]).revisions.count() == 1


# --- Evidence downloads ---------------------------------------------------------------------


def test_a_download_is_an_audited_attachment():
    application, assignments = screened_application()
    evidence = add_evidence(application, body=b"%PDF-1.4 the tracking policy")
    client = client_for(assignments[0].moderator.user)

    response = client.get(
        reverse("moderation:evidence_download", args=[application.pk, evidence.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 the tracking policy"
    event = AuditEvent.objects.get(action="evidence.downloaded")
    assert event.changes["file"] == evidence.pk

    EvidenceFile.objects.filter(pk=evidence.pk).update(scan_status=ScanStatus.PENDING)
    response = client.get(
        reverse("moderation:evidence_download", args=[application.pk, evidence.pk])
    )
    assert response.status_code == 404


# --- Information requests -------------------------------------------------------------------


def test_a_moderator_asks_the_agency_questions_with_a_due_date():
    application, assignments = screened_application()
    client = client_for(assignments[0].moderator.user)
    url = reverse("moderation:request_information", args=[application.pk])
    q3 = application.framework.descriptors.get(number=3)
    due = timezone.localdate() + timedelta(days=10)

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "question_1_descriptor": "",
            "question_1_text": "",
            "question_2_descriptor": str(q3.pk),
            "question_2_text": "How many carer households did you approve?",
            "question_3_text": "What does your pre-birth tracking cover?",
            "due_on_0": str(due.day),
            "due_on_1": str(due.month),
            "due_on_2": str(due.year),
        },
    )
    assert response.status_code == 302
    request = InformationRequest.objects.get(application=application)
    assert request.due_on == due
    assert [(item.descriptor, item.question) for item in request.questions.all()] == [
        (q3, "How many carer households did you approve?"),
        (None, "What does your pre-birth tracking cover?"),
    ]
    application.refresh_from_db()
    assert application.status == "information_requested"

    # The exchange is on the reading layout, for every moderator of the application.
    other = client_for(assignments[1].moderator.user)
    tree = tree_of(other.get(reverse("moderation:application", args=[application.pk])))
    exchange = text(select(tree, "#information-requests")[0])
    assert "How many carer households did you approve?" in exchange
    assert "Waiting for the agency" in exchange
    assert "The agency was asked about Q3" in text(select(tree, "#section-q3")[0])

    # One request at a time.
    again = client.get(url)
    assert "You cannot ask for more information now" in again.content.decode()

    # The agency's answer, with a file, appears for the moderators.
    lead = application.agency.memberships.get(role="lead").user
    evidence = add_evidence(
        application, section_key=request.evidence_section_key, name="tracker.pdf"
    )
    respond_to_information_request(
        actor=lead,
        request=request,
        answers={item.pk: f"Answer to {item.position}" for item in request.questions.all()},
    )
    tree = tree_of(other.get(reverse("moderation:application", args=[application.pk])))
    exchange = select(tree, "#information-requests")[0]
    assert "Answer to 0" in text(exchange)
    link = reverse("moderation:evidence_download", args=[application.pk, evidence.pk])
    assert select(exchange, f'a[href="{link}"]')
    assert other.get(link).status_code == 200


def test_an_information_request_needs_a_question_and_a_future_date():
    application, assignments = screened_application()
    client = client_for(assignments[0].moderator.user)
    url = reverse("moderation:request_information", args=[application.pk])
    today = timezone.localdate()

    response = client.post(
        url,
        {"due_on_0": str(today.day), "due_on_1": str(today.month), "due_on_2": str(today.year)},
    )
    assert response.status_code == 200
    summary = error_summary(response)
    assert ("Enter at least one question", "#id_question_1_text") in summary
    assert (
        "The date the agency should answer by must be in the future",
        "#id_due_on_0",
    ) in summary
    assert select(tree_of(response), "#id_due_on_0")
    assert not InformationRequest.objects.exists()

    response = client.post(url, {"question_1_text": "Anything?", "due_on_0": "31", "due_on_1": "2"})
    assert "Enter the year" in " ".join(message for message, _ in error_summary(response))
    assert not InformationRequest.objects.exists()
