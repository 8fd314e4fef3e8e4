from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from applications.models.agencies import Invitation
from applications.selectors.agencies import memberships_of_user
from qualitymark.core.forms import ConfirmForm, posted, submit_form
from qualitymark.core.pagination import bounded_page
from qualitymark.core.permissions import staff_required
from qualitymark.users import services
from qualitymark.users.roles import roles_of

from ..forms.people import PeopleFilterForm
from ..models.profiles import ModeratorProfile
from ..selectors.people import annotated_role_names, people_on_page, people_visible_to


@staff_required
def people_list(request):
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = people_visible_to(
        request.user, query=(filters.get("query") or "").strip(), role=filters.get("role") or ""
    )
    page = bounded_page(request, people.values_list("pk", flat=True))
    rows = [
        (person, annotated_role_names(person))
        for person in people_on_page(request.user, list(page.object_list))
    ]
    return render(
        request, "users/people_list.html", {"filter_form": form, "page": page, "rows": rows}
    )


@staff_required
def people_detail(request, pk):
    person = get_object_or_404(people_visible_to(request.user), pk=pk)
    return render(
        request,
        "users/people_detail.html",
        {
            "person": person,
            "role_names": roles_of(person).names,
            "memberships": memberships_of_user(person),
            "moderator_profile": ModeratorProfile.objects.filter(user=person).first(),
            "invitations": Invitation.objects.filter(email__iexact=person.email).select_related(
                "agency", "invited_by"
            ),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def people_remove_staff(request, pk):
    person = get_object_or_404(people_visible_to(request.user), pk=pk, is_coram_staff=True)
    back_url = reverse("staff:people_detail", args=[person.pk])
    form = ConfirmForm(posted(request))
    if done := submit_form(
        request,
        form,
        lambda: services.revoke_coram_staff(actor=request.user, user=person),
        success=f"{person.get_full_name()} is no longer Coram staff.",
        then=back_url,
    ):
        return done
    return render(
        request,
        "applications/confirm_page.html",
        {
            "form": form,
            "title": f"Remove {person.get_full_name()}'s Coram staff rights?",
            "caption": "People",
            "paragraphs": [
                f"{person.get_full_name()} will no longer be able to open the scheme "
                "administration pages. Their account and any other roles stay as they are.",
            ],
            "button_label": "Remove Coram staff rights",
            "warning_button": True,
            "back_url": back_url,
        },
    )
