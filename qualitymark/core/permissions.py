"""View guards. A person without the role, or an object outside their reach,
gets 404: the page is simply not there for them."""

from functools import wraps

from django.http import Http404

from qualitymark.users import rules as role_rules


def require_rule(predicate):
    """Decorate a function view: 404 unless predicate(request.user) holds."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not predicate(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return guarded

    return decorator


staff_required = require_rule(role_rules.is_coram_staff)
moderator_required = require_rule(role_rules.is_moderator)
agency_user_required = require_rule(role_rules.is_agency_user)


class RuleRequiredMixin:
    """Class-based equivalent of require_rule: set `rule` on the view."""

    rule = None

    def dispatch(self, request, *args, **kwargs):
        if self.rule is None or not self.rule(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
