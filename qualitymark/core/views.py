from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from qualitymark.governance.notice import cookies_in_use, privacy_notice_context
from qualitymark.users.roles import roles_of

from .accessibility import statement_context
from .health import health_report
from .navigation import role_destinations


@login_not_required
def home(request):
    return render(
        request,
        "core/home.html",
        {"destinations": role_destinations(request.user)},
    )


def dashboard(request):
    """Send a person to the home page of their role; offer a choice when
    they hold several."""
    destinations = role_destinations(request.user)
    if len(destinations) == 1:
        return redirect(destinations[0].url)
    return render(
        request,
        "core/dashboard.html",
        {"destinations": destinations, "roles": roles_of(request.user)},
    )


@login_not_required
@require_GET
@never_cache
def healthz(request):
    report, healthy = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html", statement_context())


@login_not_required
def privacy(request):
    return render(request, "core/privacy.html", privacy_notice_context())


@login_not_required
def cookies(request):
    return render(request, "core/cookies.html", {"cookies": cookies_in_use()})
