"""Placeholder views while this module is being built (see moderation/urls.py).

Every name below answers 404 until its real view replaces it."""

from django.http import Http404


def _not_built(request, *args, **kwargs):
    raise Http404


amend_review = _not_built
application = _not_built
declare_conflict = _not_built
evidence_download = _not_built
other_reviews = _not_built
from .profiles import queue  # noqa: E402, F401 - until the real queue lands
request_information = _not_built
review = _not_built
reviews_export = _not_built
