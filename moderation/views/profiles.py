from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from qualitymark.core.forms import ConfirmForm, form_page, posted, submit_form
from qualitymark.core.pagination import bounded_page
from qualitymark.core.permissions import moderator_required, staff_required

from ..forms.profiles import (
    AffiliatedAgenciesForm,
    ModeratorFilterForm,
    ModeratorProfileForm,
    RegionFilterForm,
)
from ..models.profiles import ModeratorProfile
from ..selectors.profiles import (
    moderator_profiles_visible_to,
    own_moderator_profile,
    with_affiliated_agency_counts,
)
from ..services.profiles import (
    deactivate_moderator,
    reactivate_moderator,
    set_affiliated_agencies,
    set_panel_chair,
    update_moderator_profile,
)

GET_AND_POST = require_http_methods(["GET", "POST"])


# --- A moderator's own profile (/moderation/profile/) -------------------------------


def _own_profile(request) -> ModeratorProfile:
    profile = own_moderator_profile(request.user)
    if profile is None:
        raise Http404
    return profile


@moderator_required
@GET_AND_POST
def profile(request):
    own = _own_profile(request)
    form = ModeratorProfileForm(
        posted(request),
        initial={
            "expertise": own.expertise,
            "affiliated_regions": own.affiliated_regions,
            "biography": own.biography,
        },
    )
    if done := submit_form(
        request,
        form,
        lambda: update_moderator_profile(
            actor=request.user,
            profile=own,
            **form.cleaned_data,
        ),
        success="Your moderator profile has been saved.",
        then="moderation:profile",
    ):
        return done
    return render(
        request,
        "moderation/profile.html",
        {
            "form": form,
            "profile": own,
            "affiliated_agencies": own.affiliated_agencies.order_by("name"),
        },
    )


@moderator_required
@GET_AND_POST
def profile_agencies(request):
    own = _own_profile(request)
    region_form = RegionFilterForm(request.GET or None)
    region = region_form.cleaned_data.get("region", "") if region_form.is_valid() else ""
    form = AffiliatedAgenciesForm(posted(request), profile=own, region=region)
    return form_page(
        request,
        form,
        lambda: set_affiliated_agencies(
            actor=request.user, profile=own, agencies=form.cleaned_data["agencies"]
        ),
        success="The agencies you are linked to have been saved.",
        then=reverse("moderation:profile"),
        template="moderation/profile_agencies.html",
        region_form=region_form,
        region=region,
    )


# --- Coram staff (/staff/) -----------------------------------------------------------


@staff_required
def staff_moderator_list(request):
    form = ModeratorFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = moderator_profiles_visible_to(
        request.user,
        query=(filters.get("query") or "").strip(),
        expertise=filters.get("expertise") or "",
        status=filters.get("status") or "",
    )
    page = bounded_page(request, profiles)
    return render(
        request,
        "moderation/staff/moderator_list.html",
        {
            "filter_form": form,
            "page": page,
            "moderators": with_affiliated_agency_counts(page.object_list),
        },
    )


def _staff_profile(request, pk) -> ModeratorProfile:
    return get_object_or_404(moderator_profiles_visible_to(request.user), pk=pk)


@staff_required
def staff_moderator_detail(request, pk):
    moderator = _staff_profile(request, pk)
    return render(
        request,
        "moderation/staff/moderator_detail.html",
        {
            "moderator": moderator,
            "affiliated_agencies": moderator.affiliated_agencies.order_by("name"),
        },
    )


def _confirm(request, *, moderator, title, paragraphs, button_label, action, warning=False):
    back_url = reverse("staff:moderator_detail", args=[moderator.pk])
    form = ConfirmForm(posted(request))
    if done := submit_form(
        request,
        form,
        action,
        success=lambda message: message,
        then=back_url,
    ):
        return done
    return render(
        request,
        "applications/confirm_page.html",
        {
            "form": form,
            "title": title,
            "caption": "Moderators",
            "paragraphs": paragraphs,
            "button_label": button_label,
            "warning_button": warning,
            "back_url": back_url,
        },
    )


@staff_required
@GET_AND_POST
def staff_moderator_chair(request, pk):
    moderator = _staff_profile(request, pk)
    name = moderator.user.get_full_name()
    if moderator.is_chair:

        def remove():
            set_panel_chair(actor=request.user, profile=moderator, is_chair=False)
            return f"{name} is no longer a panel chair."

        return _confirm(
            request,
            moderator=moderator,
            title=f"Remove {name}'s chair rights?",
            paragraphs=[
                f"{name} will stay on the panel as a moderator but will no longer be able to "
                "run panel meetings or record decisions."
            ],
            button_label="Remove chair rights",
            action=remove,
            warning=True,
        )

    def give():
        set_panel_chair(actor=request.user, profile=moderator, is_chair=True)
        return f"{name} is now a panel chair."

    return _confirm(
        request,
        moderator=moderator,
        title=f"Make {name} a panel chair?",
        paragraphs=[
            f"{name} will be able to run panel meetings, record the panel's decisions and "
            "write the feedback to agencies."
        ],
        button_label="Give chair rights",
        action=give,
    )


@staff_required
@GET_AND_POST
def staff_moderator_deactivate(request, pk):
    moderator = _staff_profile(request, pk)
    if not moderator.is_active:
        return redirect("staff:moderator_detail", moderator.pk)
    name = moderator.user.get_full_name()

    def deactivate():
        deactivate_moderator(actor=request.user, profile=moderator)
        return f"{name} has been taken off the panel."

    return _confirm(
        request,
        moderator=moderator,
        title=f"Take {name} off the panel?",
        paragraphs=[
            f"{name} will no longer be able to open the moderation pages or be assigned "
            "applications. Chair rights are removed too.",
            "Their profile and past reviews are kept. You can reactivate them later.",
        ],
        button_label="Deactivate moderator",
        action=deactivate,
        warning=True,
    )


@staff_required
@GET_AND_POST
def staff_moderator_reactivate(request, pk):
    moderator = _staff_profile(request, pk)
    if moderator.is_active:
        return redirect("staff:moderator_detail", moderator.pk)
    name = moderator.user.get_full_name()

    def reactivate():
        reactivate_moderator(actor=request.user, profile=moderator)
        return f"{name} is back on the panel."

    return _confirm(
        request,
        moderator=moderator,
        title=f"Put {name} back on the panel?",
        paragraphs=[
            f"{name} will be able to open the moderation pages and be assigned applications "
            "again. Give chair rights separately if they need them."
        ],
        button_label="Reactivate moderator",
        action=reactivate,
    )
