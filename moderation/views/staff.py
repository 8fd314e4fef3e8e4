"""Placeholder views while this module is being built (see moderation/urls.py).

Every name below answers 404 until its real view replaces it."""

from django.http import Http404


def _not_built(request, *args, **kwargs):
    raise Http404


accept = _not_built
application_detail = _not_built
application_list = _not_built
assign = _not_built
change_assignment = _not_built
evidence_download = _not_built
open_panel = _not_built
record_eligibility = _not_built
record_fee = _not_built
remove_assignment = _not_built
request_information = _not_built
return_to_agency = _not_built
reviews = _not_built
screening_queue = _not_built
