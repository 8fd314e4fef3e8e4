"""The two facts every moderation permission rests on: is this person
assigned to the application, and are they conflicted on it. Cached on the
user object for the request, so a page asks the database once."""

from applications.models.submissions import Application

from .conflicts import conflicts_for
from .models.profiles import ModeratorProfile
from .models.workflow import Assignment


def _profile(user) -> ModeratorProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_qm_moderator_profile"):
        # The person is already read: no join with the users, and no list order.
        profile = ModeratorProfile.objects.filter(user=user, is_active=True).order_by("pk").first()
        if profile is not None:
            profile.user = user
        user._qm_moderator_profile = profile
    return user._qm_moderator_profile


def _cache(user) -> dict:
    if not hasattr(user, "_qm_moderation_access"):
        user._qm_moderation_access = {}
    return user._qm_moderation_access


def active_assignment_for(user, application: Application) -> Assignment | None:
    profile = _profile(user)
    if profile is None:
        return None
    key = ("assignment", application.pk)
    cache = _cache(user)
    if key not in cache:
        cache[key] = (
            Assignment.objects.filter(
                application=application, moderator=profile, removed_at__isnull=True
            )
            .select_related("moderator__user")
            .first()
        )
    return cache[key]


def is_conflicted_on(user, application: Application) -> bool:
    profile = _profile(user)
    if profile is None:
        return False
    key = ("conflicted", application.pk)
    cache = _cache(user)
    if key not in cache:
        cache[key] = bool(conflicts_for(profile, application))
    return cache[key]


def moderator_profile_of(user) -> ModeratorProfile | None:
    return _profile(user)


def forget_access(user) -> None:
    for name in ("_qm_moderator_profile", "_qm_moderation_access"):
        if hasattr(user, name):
            delattr(user, name)
