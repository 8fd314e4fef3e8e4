from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from qualitymark.core.forms import form_page, posted
from qualitymark.core.pagination import bounded_page
from qualitymark.core.permissions import staff_required

from . import services
from .erasure import erase_person, erasure_plan, is_erased
from .forms import ContentViewFilterForm, ErasureForm, RetentionRuleForm
from .models import RetentionRule
from .selectors import content_views, last_retention_run, person_by_id
from .subject_access import export_json, readable_sections


@staff_required
def retention(request):
    """The schedule, and what the daily job would do if it ran now (a dry run)."""
    return render(
        request,
        "governance/retention.html",
        {"outcomes": services.run_retention(dry_run=True), "last_run": last_retention_run()},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def retention_rule_edit(request, key):
    rule = get_object_or_404(RetentionRule, key=key)
    form = RetentionRuleForm(posted(request), instance=RetentionRule.objects.get(pk=rule.pk))
    return form_page(
        request,
        form,
        lambda: services.update_rule(
            actor=request.user,
            rule=rule,
            **{name: form.cleaned_data[name] for name in RetentionRuleForm.Meta.fields},
        ),
        success="The retention rule is saved.",
        then=reverse("staff:retention"),
        title="Change a retention rule",
        caption="Data retention",
        intro=f"{rule.records} The period is counted from {rule.starts_from}, as the daily job "
        "counts it. The privacy notice shows the schedule as saved here, and the daily job "
        "carries it out.",
        back_url=reverse("staff:retention"),
    )


def _person(pk):
    person = person_by_id(pk)
    if person is None:
        raise Http404
    return person


@staff_required
def person_data(request, pk):
    """A readable summary of everything held about the person."""
    person = _person(pk)
    services.record_subject_access(actor=request.user, person=person, form="summary")
    return render(
        request,
        "governance/person_data.html",
        {"person": person, "sections": readable_sections(person), "erased": is_erased(person)},
    )


@staff_required
def person_data_json(request, pk):
    person = _person(pk)
    services.record_subject_access(actor=request.user, person=person, form="json")
    response = HttpResponse(export_json(person), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def person_erase(request, pk):
    person = _person(pk)
    if is_erased(person):
        messages.info(request, "This person's details have already been erased.")
        return redirect("staff:person_data", pk=person.pk)
    form = ErasureForm(posted(request))
    return form_page(
        request,
        form,
        lambda: erase_person(actor=request.user, person=person, reason=form.cleaned_data["reason"]),
        success=f"Person {person.pk}'s details are erased.",
        then=reverse("staff:person_data", args=[person.pk]),
        template="governance/person_erase.html",
        person=person,
        plan=erasure_plan(person),
    )


@staff_required
def content_view_list(request):
    form = ContentViewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    views = content_views(
        application=filters.get("application") or "", person=filters.get("person") or ""
    )
    page = bounded_page(request, views, 100)
    return render(request, "governance/content_views.html", {"filter_form": form, "page": page})
