"""Placeholder views while this module is being built (see moderation/urls.py).

Every name below answers 404 until its real view replaces it."""

from django.http import Http404


def _not_built(request, *args, **kwargs):
    raise Http404


consolidation = _not_built
correct_decision = _not_built
meeting_create = _not_built
meeting_detail = _not_built
meeting_list = _not_built
panel_list = _not_built
record_decision = _not_built
