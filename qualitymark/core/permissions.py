"""The one way to ask permission.

Every permission is a django-rules rule registered once, in the rules.py of the
app it is about (qualitymark/users/rules.py for the role areas). Views declare
the permission they need with `permission_required`; services ask
`rules.has_perm(name, actor, obj)`; templates ask `{% has_perm %}` from
qualitymark/core/templatetags/permissions.py. A person without the permission,
or an object outside their reach, gets 404: the page is simply not there for them.
"""

import inspect
from functools import wraps

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404


def permission_required(perm: str, *, fetch=None):
    """Decorate a function view with the permission it needs.

    Without `fetch` the rule is asked about the person alone. With it,
    `fetch(request, **url_kwargs)` finds the object through the actor-scoped
    selector (itself a 404 outside their reach), the rule is asked about that
    object, and the view receives it in place of the URL arguments fetch took.
    """
    taken = () if fetch is None else tuple(inspect.signature(fetch).parameters)[1:]

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if fetch is None:
                if not rules.has_perm(perm, request.user):
                    raise Http404
                return view(request, *args, **kwargs)
            obj = fetch(request, **{name: kwargs.pop(name) for name in taken})
            if not rules.has_perm(perm, request.user, obj):
                raise Http404
            return view(request, obj, *args, **kwargs)

        guarded.permission_required = perm
        return guarded

    return decorator


staff_required = permission_required("users.use_staff_pages")
moderator_required = permission_required("users.use_moderator_pages")
agency_user_required = permission_required("users.use_agency_pages")
chair_or_staff_required = permission_required("users.run_panel_meetings")


def require_perm(actor, perm: str, obj=None, *, message: str) -> None:
    """For services: PermissionDenied(message) unless the rule holds."""
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message)
