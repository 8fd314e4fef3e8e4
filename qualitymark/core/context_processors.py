from django.conf import settings

from .navigation import role_destinations


def site(request):
    user = getattr(request, "user", None)
    return {
        "service_name": "Early Permanence Quality Mark",
        "navigation": role_destinations(user) if user is not None else [],
        "current_section": request.resolver_match.namespace if request.resolver_match else "",
        "is_production": settings.PRODUCTION,
    }
