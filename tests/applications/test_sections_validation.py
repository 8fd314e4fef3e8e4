"""Every section's form: its errors appear in the GOV.UK error summary (linking
to the field) and beside the field, and what was typed is shown again."""

import pytest
from django.urls import reverse

from applications.models.agencies import AgencyType
from applications.models.submissions import SectionAnswer
from applications.services.submissions import start_application
from tests.awards.factories import make_award
from tests.factories import AgencyFactory, MembershipFactory

from .application_data import ABOUT, EP_DATA, FEE, NARRATIVE, Page, complete_every_section

pytestmark = pytest.mark.django_db


def section_url(application, key):
    return reverse("agency:section", args=[application.pk, key])


def post_section(client, application, key, data, *, button="save", version=None):
    if version is None:
        version = (
            SectionAnswer.objects.filter(application=application, key=key)
            .values_list("version", flat=True)
            .first()
            or 0
        )
    return client.post(section_url(application, key), {"version": version, **data, button: "Save"})


def answer(application, key):
    return SectionAnswer.objects.filter(application=application, key=key).first()


def same_text(a, b):
    return " ".join(str(a).split()) == " ".join(str(b).split())


# --- About your agency --------------------------------------------------------------------


def test_about_marked_complete_with_nothing_in_it_lists_every_missing_answer(lead_client, draft):
    response = post_section(lead_client, draft, "about", {"completed": "yes"})

    assert response.status_code == 200
    page = Page(response)
    page.assert_error("contact_name", "Enter the name of the main contact for this application")
    page.assert_error("contact_email", "Enter the main contact's e-mail address")
    page.assert_error("head_of_service_name", "Enter the name of your head of service")
    page.assert_error("head_of_service_email", "Enter your head of service's e-mail address")
    page.assert_error("service_description", "Describe your early permanence service")
    assert page.value("completed") == "yes"
    assert answer(draft, "about") is None


def test_about_refuses_a_bad_email_and_phone_and_keeps_everything_typed(lead_client, draft):
    typed = {**ABOUT, "contact_email": "jo at agency", "contact_phone": "0117 49"}

    response = post_section(lead_client, draft, "about", {**typed, "completed": "yes"})

    page = Page(response)
    page.assert_error(
        "contact_email", "Enter an e-mail address in the correct format, like name@example.org"
    )
    page.assert_error(
        "contact_phone", "Enter a phone number with at least 10 digits, like 0117 496 0000"
    )
    for name, value in typed.items():
        assert same_text(page.value(name), value), name
    # Only the two bad answers are flagged.
    assert len(page.error_summary()) == 2
    assert answer(draft, "about") is None


def test_about_for_a_partnership_asks_how_the_partnership_works(client, framework):
    partnership = AgencyFactory(agency_type=AgencyType.PARTNERSHIP)
    lead = MembershipFactory(agency=partnership, role="lead").user
    application = start_application(actor=lead, agency=partnership, level_sought="full", kind="new")
    client.force_login(lead)

    response = post_section(client, application, "about", {**ABOUT, "completed": "yes"})

    page = Page(response)
    page.assert_error("partnership_arrangements", "Describe how the partnership works together")
    assert len(page.error_summary()) == 1
    assert same_text(page.value("service_description"), ABOUT["service_description"])


def test_a_section_needs_an_answer_to_have_you_completed_it(lead_client, draft):
    response = post_section(lead_client, draft, "about", ABOUT)

    page = Page(response)
    page.assert_error("completed", "Select whether you have completed this section")
    assert page.value("contact_name") == ABOUT["contact_name"]


# --- Early permanence data ----------------------------------------------------------------


def test_ep_data_marked_complete_with_nothing_in_it(lead_client, draft):
    response = post_section(lead_client, draft, "ep-data", {"completed": "yes"})

    page = Page(response)
    page.assert_error(
        "ffa_placements",
        "Enter the number of Fostering for Adoption placements made, or 0 if there were none",
    )
    page.assert_error(
        "concurrent_placements",
        "Enter the number of concurrent planning placements made, or 0 if there were none",
    )
    page.assert_error(
        "children_placed_for_adoption",
        "Enter the number of children placed for adoption, or 0 if there were none",
    )
    page.assert_error(
        "placed_before_first_birthday",
        "Enter the number of children placed before their first birthday, or 0 if there were none",
    )
    page.assert_error(
        "ep_households_approved",
        "Enter the number of early permanence carer households approved, or 0 if there were none",
    )
    # Average days is only needed when there were early permanence placements.
    assert page.errors_beside("average_days_to_ep_placement") == []


def test_ep_data_infants_cannot_outnumber_children_placed(lead_client, draft):
    typed = {**EP_DATA, "children_placed_for_adoption": "5", "placed_before_first_birthday": "6"}

    response = post_section(lead_client, draft, "ep-data", {**typed, "completed": "yes"})

    page = Page(response)
    page.assert_error(
        "placed_before_first_birthday",
        "Children placed before their first birthday cannot be more than "
        "the children placed for adoption",
    )
    assert len(page.error_summary()) == 1
    for name, value in typed.items():
        assert page.value(name) == value, name
    assert answer(draft, "ep-data") is None


def test_ep_data_needs_average_days_when_there_were_ep_placements(lead_client, draft):
    typed = {**EP_DATA, "average_days_to_ep_placement": ""}

    response = post_section(lead_client, draft, "ep-data", {**typed, "completed": "yes"})

    Page(response).assert_error(
        "average_days_to_ep_placement",
        "Enter the average days from entering care to the early permanence placement",
    )


def test_ep_data_without_ep_placements_can_leave_average_days_blank(lead_client, draft):
    typed = {
        **EP_DATA,
        "ffa_placements": "0",
        "concurrent_placements": "0",
        "average_days_to_ep_placement": "",
    }

    response = post_section(lead_client, draft, "ep-data", {**typed, "completed": "yes"})

    assert response.status_code == 302
    saved = answer(draft, "ep-data")
    assert saved.state == "completed"
    assert saved.data["ffa_placements"] == 0
    assert saved.data["average_days_to_ep_placement"] is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("twelve", "Children placed for adoption must be a whole number, like 12"),
        ("4.5", "Children placed for adoption must be a whole number, like 12"),
        ("-1", "Children placed for adoption must be 0 or more"),
        ("100001", "Children placed for adoption must be 100,000 or fewer"),
    ],
)
def test_ep_data_refuses_what_is_not_a_whole_number_even_when_saving_for_later(
    lead_client, draft, typed, message
):
    response = post_section(
        lead_client,
        draft,
        "ep-data",
        {"ffa_placements": "3", "children_placed_for_adoption": typed},
        button="later",
    )

    assert response.status_code == 200
    page = Page(response)
    page.assert_error("children_placed_for_adoption", message)
    assert page.value("children_placed_for_adoption") == typed
    assert page.value("ffa_placements") == "3"
    # Exactly one error: a bad number is not also reported as missing.
    assert len(page.errors_beside("children_placed_for_adoption")) == 1
    assert answer(draft, "ep-data") is None


def test_ep_data_a_bad_number_when_marking_complete_is_reported_once(lead_client, draft):
    response = post_section(
        lead_client, draft, "ep-data", {**EP_DATA, "ffa_placements": "a few", "completed": "yes"}
    )

    page = Page(response)
    assert page.errors_beside("ffa_placements") == [
        "Fostering for Adoption placements made must be a whole number, like 12"
    ]


# --- A descriptor -------------------------------------------------------------------------


def test_descriptor_marked_complete_without_evidence(lead_client, draft):
    response = post_section(lead_client, draft, "q1", {"narrative": "", "completed": "yes"})

    page = Page(response)
    page.assert_error("narrative", "Enter your evidence for Q1")
    assert answer(draft, "q1") is None


def test_descriptor_over_the_word_limit_cannot_be_marked_complete(lead_client, draft, settings):
    settings.NARRATIVE_WORD_LIMIT = 20
    narrative = " ".join(["word"] * 21)

    response = post_section(lead_client, draft, "q3", {"narrative": narrative, "completed": "yes"})

    page = Page(response)
    page.assert_error("narrative", "Your evidence must be 20 words or fewer; it is 21 words")
    assert page.value("narrative") == narrative
    assert answer(draft, "q3") is None
    # The textarea tells the live word counter its limit.
    textarea = next(e for e in page.elements() if page.attr(e, "name") == "narrative")
    assert page.attr(textarea, "data-word-limit") == "20"


def test_descriptor_over_the_word_limit_can_be_saved_for_later(lead_client, draft, settings):
    settings.NARRATIVE_WORD_LIMIT = 20
    narrative = " ".join(["word"] * 25)

    response = post_section(lead_client, draft, "q3", {"narrative": narrative}, button="later")

    assert response.status_code == 302
    saved = answer(draft, "q3")
    assert saved.state == "in_progress"
    assert saved.data["narrative"] == narrative


def test_descriptor_page_shows_the_question_and_markers_as_prompts(lead_client, draft):
    descriptor = draft.framework.descriptors.get(number=2)
    marker = descriptor.markers.first()

    page = Page(lead_client.get(section_url(draft, "q2")))

    assert page.contains(descriptor.question)
    assert page.contains(marker.code) and page.contains(marker.text)
    assert page.contains("These are prompts, not a checklist.")


# --- What has changed (renewals and upgrades) ---------------------------------------------


def test_changes_section_marked_complete_without_answers(client, lead, agency, framework):
    make_award(agency=agency)
    application = start_application(actor=lead, agency=agency, level_sought="full", kind="renewal")
    client.force_login(lead)

    response = post_section(
        client, application, "changes", {"changes": NARRATIVE, "completed": "yes"}
    )

    page = Page(response)
    page.assert_error("development_progress", "Describe your progress on the areas to develop")
    assert len(page.error_summary()) == 1
    assert same_text(page.value("changes"), NARRATIVE)


def test_a_new_application_has_no_changes_section(lead_client, draft):
    assert lead_client.get(section_url(draft, "changes")).status_code == 404


# --- Fee and invoicing --------------------------------------------------------------------


def test_fee_marked_complete_without_answers(lead_client, draft):
    response = post_section(
        lead_client, draft, "fee", {"purchase_order_number": "PO-1", "completed": "yes"}
    )

    page = Page(response)
    page.assert_error(
        "invoice_contact_name", "Enter the name of the person who deals with the invoice"
    )
    page.assert_error("invoice_contact_email", "Enter the invoice contact's e-mail address")
    page.assert_error("invoice_address", "Enter the address the invoice goes to")
    assert page.value("purchase_order_number") == "PO-1"


def test_fee_refuses_a_bad_email_and_keeps_the_rest(lead_client, draft):
    typed = {**FEE, "invoice_contact_email": "finance"}

    response = post_section(lead_client, draft, "fee", {**typed, "completed": "yes"})

    page = Page(response)
    page.assert_error(
        "invoice_contact_email",
        "Enter an e-mail address in the correct format, like name@example.org",
    )
    for name, value in typed.items():
        assert same_text(page.value(name), value), name


def test_fee_page_shows_the_fee_from_the_schedule(lead_client, draft):
    page = Page(lead_client.get(section_url(draft, "fee")))

    assert page.contains("The fee for your application is £750.00")


def test_fee_page_for_a_partnership_shows_the_partnership_scale(client, framework):
    partnership = AgencyFactory(agency_type=AgencyType.PARTNERSHIP)
    partnership.partnership_members.add(AgencyFactory(), AgencyFactory())
    lead = MembershipFactory(agency=partnership, role="lead").user
    application = start_application(actor=lead, agency=partnership, level_sought="full", kind="new")
    client.force_login(lead)

    page = Page(client.get(section_url(application, "fee")))

    assert page.contains("The fee for your application is £1,300.00")
    assert page.contains("partnership of two agencies")


# --- Declaration --------------------------------------------------------------------------


def test_declaration_errors(lead_client, draft):
    response = lead_client.post(
        reverse("agency:declaration", args=[draft.pk]), {"name": "", "role": "Head of Service"}
    )

    assert response.status_code == 200
    page = Page(response)
    page.assert_error("name", "Enter your full name")
    page.assert_error("confirm_accurate", "Confirm that the information is accurate")
    page.assert_error("confirm_anonymous", "Confirm that the application identifies nobody")
    assert page.value("role") == "Head of Service"
    draft.refresh_from_db()
    assert not draft.is_declared


def test_declaration_keeps_ticked_boxes_when_something_else_is_wrong(lead_client, draft):
    response = lead_client.post(
        reverse("agency:declaration", args=[draft.pk]),
        {"name": "Pat Lead", "role": "", "confirm_accurate": "on", "confirm_anonymous": "on"},
    )

    page = Page(response)
    page.assert_error("role", "Enter your job title")
    assert page.value("name") == "Pat Lead"
    assert page.value("confirm_accurate") is not None
    assert page.value("confirm_anonymous") is not None


# --- Starting and withdrawing -------------------------------------------------------------


def test_start_form_errors(lead_client, agency):
    response = lead_client.post(reverse("agency:application_start", args=[agency.slug]), {})

    assert response.status_code == 200
    page = Page(response)
    page.assert_error("kind", "Select what kind of application this is")
    page.assert_error("level_sought", "Select the level you are applying for")
    assert not agency.applications.exists()


def test_start_form_an_upgrade_is_for_full(lead_client, agency):
    make_award(agency=agency, level="working_towards")
    response = lead_client.post(
        reverse("agency:application_start", args=[agency.slug]),
        {"kind": "upgrade", "level_sought": "working_towards"},
    )

    page = Page(response)
    page.assert_error("level_sought", "An upgrade from Working Towards is an application for Full")
    assert page.value("kind") == "upgrade"
    assert not agency.applications.exclude(status="decided").exists()


def test_withdraw_form_needs_a_reason(lead_client, draft):
    response = lead_client.post(reverse("agency:withdraw", args=[draft.pk]), {"reason": "  "})

    assert response.status_code == 200
    Page(response).assert_error("reason", "Enter why you are withdrawing the application")
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- Saving for later ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("about", {"contact_name": "Jo Ellis"}),
        ("ep-data", {"ffa_placements": "4"}),
        ("q5", {"narrative": "A first paragraph."}),
        ("fee", {"purchase_order_number": "PO-7"}),
    ],
)
def test_save_and_come_back_later_keeps_a_partial_answer_as_in_progress(
    lead_client, draft, key, typed
):
    response = post_section(lead_client, draft, key, typed, button="later")

    assert response.status_code == 302
    assert response["Location"] == reverse("agency:application", args=[draft.pk])
    saved = answer(draft, key)
    assert saved.state == "in_progress"
    assert saved.version == 1
    for name, value in typed.items():
        assert str(saved.data[name]) == value

    task_list = Page(lead_client.get(response["Location"]))
    assert task_list.contains("In progress")
    page = Page(lead_client.get(section_url(draft, key)))
    for name, value in typed.items():
        assert page.value(name) == value
    assert page.value("version") == "1"
    assert page.value("completed") == "no"


def test_answering_no_ill_come_back_to_it_later_saves_as_in_progress(lead_client, draft):
    response = post_section(lead_client, draft, "about", {"contact_name": "Jo", "completed": "no"})

    assert response.status_code == 302
    assert answer(draft, "about").state == "in_progress"


def test_save_and_come_back_later_with_nothing_typed_stays_not_started(lead_client, draft):
    response = post_section(lead_client, draft, "fee", {}, button="later")

    assert response.status_code == 302
    assert answer(draft, "fee").state == "not_started"


def test_every_page_offers_save_and_come_back_later_without_javascript(lead_client, draft):
    from .application_data import section_keys

    for key in section_keys(draft):
        page = Page(lead_client.get(section_url(draft, key)))
        buttons = [
            page.attr(element, "name")
            for element in page.elements()
            if element.name == "button" or page.attr(element, "type") == "submit"
        ]
        assert "later" in buttons, key
        forms = [element for element in page.elements() if element.name == "form"]
        assert any(page.attr(form, "method") == "post" for form in forms), key


def test_completed_section_reopened_shows_yes_and_its_answers(lead_client, lead, draft):
    complete_every_section(draft, lead)

    page = Page(lead_client.get(section_url(draft, "ep-data")))

    assert page.value("completed") == "yes"
    assert page.value("children_placed_for_adoption") == EP_DATA["children_placed_for_adoption"]


def test_a_file_chosen_but_sent_with_save_and_continue_is_uploaded_not_dropped(lead_client, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.models.evidence import EvidenceFile

    notes = SimpleUploadedFile(
        "tracking-notes.txt", b"Minutes of the tracking meeting.\n", content_type="text/plain"
    )
    response = post_section(
        lead_client,
        draft,
        "q1",
        {"narrative": NARRATIVE, "completed": "yes", "evidence": notes},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("agency:application", args=[draft.pk])
    assert answer(draft, "q1").state == "completed"
    evidence = EvidenceFile.objects.get(application=draft)
    assert evidence.section_key == "q1"
    assert evidence.original_name == "tracking-notes.txt"


def test_upload_without_a_file_saves_the_answer_and_asks_for_one(lead_client, draft):
    response = post_section(lead_client, draft, "q1", {"narrative": NARRATIVE}, button="upload")

    assert response.status_code == 200
    page = Page(response)
    page.assert_error("evidence", "Select a file to upload")
    assert same_text(page.value("narrative"), NARRATIVE)
    # The answer was saved, and the form carries its new version.
    assert answer(draft, "q1").data["narrative"] == NARRATIVE
    assert page.value("version") == "1"


def test_a_form_without_its_version_says_so_and_keeps_the_answers(lead_client, draft):
    response = lead_client.post(
        section_url(draft, "q1"), {"narrative": NARRATIVE, "completed": "no", "save": ""}
    )

    # Treated like a conflict: compare with what is saved, then save again.
    assert response.status_code == 409
    page = Page(response)
    (href, message), *_ = page.error_summary()
    assert message.startswith("We could not tell which version of this section")
    assert href[1:] in page.ids()
    assert same_text(page.value("narrative"), NARRATIVE)
    assert answer(draft, "q1") is None
    assert page.value("version") == "0"

    again = lead_client.post(
        section_url(draft, "q1"),
        {"version": page.value("version"), "narrative": NARRATIVE, "completed": "no", "save": ""},
    )
    assert again.status_code == 302
    assert answer(draft, "q1").data["narrative"] == NARRATIVE
