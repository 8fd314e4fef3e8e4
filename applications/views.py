from django.shortcuts import render

from qualitymark.core.permissions import agency_user_required


@agency_user_required
def agency_dashboard(request):
    return render(request, "applications/dashboard.html")
