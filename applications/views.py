from django.shortcuts import render


def agency_dashboard(request):
    return render(request, "applications/dashboard.html")
