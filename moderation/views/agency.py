"""Placeholder views while this module is being built (see moderation/urls.py).

Every name below answers 404 until its real view replaces it."""

from django.http import Http404


def _not_built(request, *args, **kwargs):
    raise Http404


decision = _not_built
decision_pdf = _not_built
respond_to_information_request = _not_built
