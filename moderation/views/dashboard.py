"""Coram staff's home page: what is late, what expires, what is unpaid, and
the decisions month by month. Each figure links to the list behind it."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from qualitymark.core.permissions import staff_required

from ..selectors.staff_home import staff_home


@staff_required
@require_GET
def dashboard(request):
    kept = staff_home(timezone.localdate())
    context = {**kept.value, "worked_out_at": kept.worked_out_at, "is_current": kept.is_current}
    return render(request, "moderation/staff/dashboard.html", context)
