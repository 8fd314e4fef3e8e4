"""Writes about moderators: joining the panel, their profile, chair rights."""

from django.core.exceptions import ValidationError
from django.db import transaction

from applications.models.agencies import Agency, Region
from qualitymark.audit.services import field_changes, record_event
from qualitymark.core.permissions import require_perm
from qualitymark.users.roles import forget_roles

from ..models.profiles import Expertise, ModeratorProfile


def _profile_state(profile: ModeratorProfile) -> dict:
    return {
        "expertise": sorted(profile.expertise),
        "affiliated_regions": sorted(profile.affiliated_regions),
        "biography": profile.biography,
    }


def _locked(profile: ModeratorProfile) -> ModeratorProfile:
    return (
        ModeratorProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=profile.pk)
    )


@transaction.atomic
def grant_moderator(*, actor, user, as_chair: bool = False) -> ModeratorProfile:
    """Make someone a moderator (or panel chair): create the profile or reactivate
    it. An active chair stays a chair when invited again as a moderator."""
    profile = ModeratorProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        profile = ModeratorProfile.objects.create(user=user, is_chair=as_chair)
        changes = {"is_active": [None, True], "is_chair": [None, as_chair]}
    else:
        before = {"is_active": profile.is_active, "is_chair": profile.is_chair}
        profile.is_chair = as_chair or (profile.is_chair and profile.is_active)
        profile.is_active = True
        profile.save(update_fields=["is_active", "is_chair", "updated_at"])
        changes = field_changes(before, {"is_active": True, "is_chair": profile.is_chair})
    record_event(actor=actor, action="moderator.granted", target=profile, changes=changes)
    forget_roles(user)
    return profile


@transaction.atomic
def update_moderator_profile(
    *, actor, profile: ModeratorProfile, expertise, affiliated_regions, biography: str
) -> ModeratorProfile:
    require_perm(
        actor,
        "moderation.change_moderator_profile",
        profile,
        message="You can only change your own moderator profile.",
    )
    profile = _locked(profile)
    unknown = set(expertise) - set(Expertise.values)
    if unknown:
        raise ValidationError({"expertise": "Choose expertise from the list"})
    unknown_regions = set(affiliated_regions) - set(Region.values)
    if unknown_regions:
        raise ValidationError({"affiliated_regions": "Choose regions from the list"})
    before = _profile_state(profile)
    profile.expertise = [value for value in Expertise.values if value in set(expertise)]
    profile.affiliated_regions = [
        value for value in Region.values if value in set(affiliated_regions)
    ]
    profile.biography = biography.strip()
    profile.save(update_fields=["expertise", "affiliated_regions", "biography", "updated_at"])
    changes = field_changes(before, _profile_state(profile))
    if changes:
        record_event(
            actor=actor, action="moderator.profile_updated", target=profile, changes=changes
        )
    return profile


@transaction.atomic
def set_affiliated_agencies(*, actor, profile: ModeratorProfile, agencies) -> ModeratorProfile:
    """Replace the agencies a moderator is linked to (used for conflict checks)."""
    require_perm(
        actor,
        "moderation.change_moderator_profile",
        profile,
        message="You can only change your own moderator profile.",
    )
    profile = _locked(profile)
    new_ids = {agency.pk for agency in agencies}
    old_names = sorted(profile.affiliated_agencies.values_list("name", flat=True))
    old_ids = set(profile.affiliated_agencies.values_list("pk", flat=True))
    if new_ids == old_ids:
        return profile
    profile.affiliated_agencies.set(new_ids)
    new_names = sorted(Agency.objects.filter(pk__in=new_ids).values_list("name", flat=True))
    record_event(
        actor=actor,
        action="moderator.affiliations_updated",
        target=profile,
        changes={"affiliated_agencies": [", ".join(old_names), ", ".join(new_names)]},
    )
    return profile


@transaction.atomic
def set_panel_chair(*, actor, profile: ModeratorProfile, is_chair: bool) -> ModeratorProfile:
    require_perm(actor, "moderation.manage_moderators", message="Only Coram staff can change this.")
    profile = _locked(profile)
    if is_chair and not profile.is_active:
        raise ValidationError("Reactivate this moderator before giving them chair rights.")
    if profile.is_chair != is_chair:
        record_event(
            actor=actor,
            action="moderator.chair_changed",
            target=profile,
            changes={"is_chair": [profile.is_chair, is_chair]},
        )
        profile.is_chair = is_chair
        profile.save(update_fields=["is_chair", "updated_at"])
    forget_roles(profile.user)
    return profile


@transaction.atomic
def deactivate_moderator(*, actor, profile: ModeratorProfile) -> ModeratorProfile:
    """Take someone off the panel. Their profile and history are kept; chair
    rights go with it."""
    require_perm(actor, "moderation.manage_moderators", message="Only Coram staff can change this.")
    profile = _locked(profile)
    if profile.is_active:
        record_event(
            actor=actor,
            action="moderator.deactivated",
            target=profile,
            changes=field_changes(
                {"is_active": True, "is_chair": profile.is_chair},
                {"is_active": False, "is_chair": False},
            ),
        )
        profile.is_active = False
        profile.is_chair = False
        profile.save(update_fields=["is_active", "is_chair", "updated_at"])
    forget_roles(profile.user)
    return profile


@transaction.atomic
def reactivate_moderator(*, actor, profile: ModeratorProfile) -> ModeratorProfile:
    require_perm(actor, "moderation.manage_moderators", message="Only Coram staff can change this.")
    profile = _locked(profile)
    if not profile.is_active:
        profile.is_active = True
        profile.save(update_fields=["is_active", "updated_at"])
        record_event(
            actor=actor,
            action="moderator.reactivated",
            target=profile,
            changes={"is_active": [False, True]},
        )
    forget_roles(profile.user)
    return profile
