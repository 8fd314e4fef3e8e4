"""Awards for Coram staff (/staff/awards/) and for the agency that holds them
(/agency/<slug>/awards/<pk>/)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from applications.selectors.start_options import start_options
from applications.selectors.submissions import open_application_of
from qualitymark.audit.services import record_event
from qualitymark.core.forms import posted, submit_form
from qualitymark.core.pagination import bounded_page
from qualitymark.core.permissions import agency_user_required, staff_required
from qualitymark.files.storage import file_response

from ..forms.awards import AwardReasonForm, PublishAwardForm, StaffAwardFilterForm
from ..selectors.action_plans import plan_page
from ..selectors.awards import (
    award_for_member,
    award_for_staff,
    award_history,
    awards_for_staff,
    certificate_of,
)
from ..selectors.dashboard import AWARD_EXPIRY_FILTERS, award_expiry_filter
from ..services import awards as award_services
from ..services import certificates as certificate_services

GET_AND_POST = require_http_methods(["GET", "POST"])

HISTORY_LABELS = {
    "award.created": "Award made",
    "award.published": "Published to the register",
    "award.unpublished": "Taken off the register",
    "award.suspended": "Suspended",
    "award.reinstated": "Reinstated",
    "award.withdrawn": "Withdrawn",
    "award.superseded": "Replaced by a later award",
    "award.expired": "Expired",
    "award.decision_corrected": "The panel corrected its decision (same outcome)",
    "award.correction_not_applied": "The panel corrected its decision (award no longer live)",
    "award.certificate_requested": "New certificate version asked for",
    "award.certificate_generated": "Certificate made",
    "certificate.downloaded": "Certificate downloaded",
}


def _readable(action: str) -> str:
    """ "award.certificate_emailed" as "Certificate emailed", for an event without a label."""
    return action.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def _decorate(award):
    award.shown_status_label = award.state.label
    award.status_tag = award.state.tag
    return award


# --- Coram staff ----------------------------------------------------------------------------


@staff_required
def staff_award_list(request):
    form = StaffAwardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    awards = awards_for_staff(
        request.user,
        query=(filters.get("query") or "").strip(),
        status=filters.get("status") or "",
        published=filters.get("published") or "",
    )
    expiry = request.GET.get("expiry", "")
    awards = award_expiry_filter(awards, expiry)
    page = bounded_page(request, awards)
    for award in page.object_list:
        _decorate(award)
    return render(
        request,
        "moderation/awards/staff_list.html",
        {"filter_form": form, "page": page, "expiry": AWARD_EXPIRY_FILTERS.get(expiry, "")},
    )


@staff_required
def staff_award_detail(request, pk):
    award = _decorate(award_for_staff(request.user, pk))
    return render(
        request,
        "moderation/awards/staff_detail.html",
        {
            "award": award,
            "certificates": award.certificates.select_related("requested_by").order_by("-version"),
            "history": [
                (HISTORY_LABELS.get(event.action, _readable(event.action)), event)
                for event in award_history(award)
            ],
            "replaces": award.replaces.all(),
            "can_publish": award.allows("publish"),
            "can_unpublish": award.allows("unpublish"),
            "can_suspend": award.allows("suspend"),
            "can_reinstate": award.allows("reinstate"),
            "can_withdraw": award.allows("withdraw"),
        },
    )


STAFF_ACTIONS = {
    "unpublish": {
        "service": award_services.unpublish_award,
        "title": "Take this award off the register",
        "label": "Why are you taking it off the register?",
        "hint": "For the record only. The award itself does not change: its certificate "
        "still verifies. To tell the public the award no longer stands, suspend or withdraw "
        "it instead, which keeps it listed with its status.",
        "submit": "Take off the register",
        "done": "The award has been taken off the register.",
    },
    "suspend": {
        "service": award_services.suspend_award,
        "title": "Suspend this award",
        "label": "Why is the award suspended?",
        "hint": "The register, the badge and the verification page will say that the award "
        "is suspended. You can reinstate it later.",
        "submit": "Suspend the award",
        "done": "The award has been suspended.",
    },
    "reinstate": {
        "service": award_services.reinstate_award,
        "title": "Reinstate this award",
        "label": "Why is the suspension lifted?",
        "hint": "The award will show as current again until its expiry date.",
        "submit": "Reinstate the award",
        "done": "The award has been reinstated.",
    },
    "withdraw": {
        "service": award_services.withdraw_award,
        "title": "Withdraw this award",
        "label": "Why is the award withdrawn?",
        "hint": "Withdrawal is final. The award stays on the register marked as withdrawn, "
        "and its certificate no longer verifies as valid.",
        "submit": "Withdraw the award",
        "done": "The award has been withdrawn.",
    },
    "regenerate": {
        "service": certificate_services.regenerate_certificate,
        "title": "Make a new version of the certificate",
        "label": "What is being corrected?",
        "hint": "For example, the agency's name has changed. The new version becomes the "
        "current certificate; earlier versions are kept on record. The number and the "
        "verification link stay the same.",
        "submit": "Make a new version",
        "done": "A new version of the certificate is being made. It will appear here shortly.",
    },
}


def _staff_action(request, pk, action: str):
    award = _decorate(award_for_staff(request.user, pk))
    spec = STAFF_ACTIONS[action]
    form = AwardReasonForm(
        posted(request), label=spec["label"], hint=spec["hint"], submit_label=spec["submit"]
    )
    if done := submit_form(
        request,
        form,
        lambda: spec["service"](
            actor=request.user,
            award=award,
            reason=form.cleaned_data["reason"],
        ),
        success=spec["done"],
        then=reverse("staff:award", args=[award.pk]),
    ):
        return done
    return render(
        request,
        "moderation/awards/staff_action.html",
        {"award": award, "form": form, "title": spec["title"], "warning": action == "withdraw"},
    )


@staff_required
@GET_AND_POST
def staff_award_unpublish(request, pk):
    return _staff_action(request, pk, "unpublish")


@staff_required
@GET_AND_POST
def staff_award_suspend(request, pk):
    return _staff_action(request, pk, "suspend")


@staff_required
@GET_AND_POST
def staff_award_reinstate(request, pk):
    return _staff_action(request, pk, "reinstate")


@staff_required
@GET_AND_POST
def staff_award_withdraw(request, pk):
    return _staff_action(request, pk, "withdraw")


@staff_required
@GET_AND_POST
def staff_certificate_regenerate(request, pk):
    return _staff_action(request, pk, "regenerate")


@staff_required
@GET_AND_POST
def staff_award_publish(request, pk):
    award = _decorate(award_for_staff(request.user, pk))
    form = PublishAwardForm(posted(request))
    if request.method == "POST" and award.is_published:  # a second click
        return redirect("staff:award", award.pk)
    if done := submit_form(
        request,
        form,
        lambda: award_services.publish_award(
            actor=request.user, award=award, reason=form.cleaned_data["reason"]
        ),
        success=f"{award.agency.name} is now on the public register.",
        then=reverse("staff:award", args=[award.pk]),
    ):
        return done
    if request.method == "POST":
        award.refresh_from_db()
        if award.is_published:  # a concurrent click got there first
            return redirect("staff:award", award.pk)
    return render(
        request,
        "moderation/awards/staff_action.html",
        {
            "award": award,
            "form": form,
            "title": "Publish this award to the register",
            "intro": "Anyone will be able to see the agency's name, type and region, the level, "
            "the award and expiry dates and the certificate number on the public register, "
            "in its downloads and feed, and on the agency's badge.",
        },
    )


@staff_required
def staff_certificate_download(request, pk, version):
    award = award_for_staff(request.user, pk)
    return _certificate_response(request, award, certificate_of(award, version))


# --- The agency -----------------------------------------------------------------------------


@agency_user_required
def agency_award(request, slug, pk):
    award = _decorate(award_for_member(request.user, slug, pk))
    agency = award.agency
    return render(
        request,
        "moderation/awards/agency_award.html",
        {
            "award": award,
            "agency": agency,
            "certificate": certificate_of(award),
            "plan": plan_page(award) if award.is_working_towards else None,
            "open_application": open_application_of(agency),
            "offer_upgrade": award.is_working_towards and award.is_live,
            "offer_renewal": start_options(agency).allows("renewal"),
            "start_url": reverse("agency:application_start", args=[agency.slug]),
            "decision_url": reverse("agency:decision", args=[award.application_id]),
        },
    )


@agency_user_required
def agency_certificate_download(request, slug, pk):
    award = award_for_member(request.user, slug, pk)
    if not award.state.certificate_for_agency:
        raise Http404
    return _certificate_response(request, award, certificate_of(award))


def _certificate_response(request, award, certificate):
    """A certificate PDF as an attachment, for Coram staff and the agency alike."""
    if certificate is None:
        raise Http404
    record_event(
        actor=request.user,
        action="certificate.downloaded",
        target=award,
        changes={"version": certificate.version},
    )
    return file_response(
        certificate.storage_key,
        download_name=certificate.download_name,
        content_type="application/pdf",
    )
