"""Where each role goes next, for the home page, the dashboard and the header."""

from dataclasses import dataclass

from django.urls import reverse

from qualitymark.users.roles import roles_of


@dataclass(frozen=True)
class Destination:
    key: str
    label: str
    url: str
    description: str


def role_destinations(user) -> list[Destination]:
    roles = roles_of(user)
    destinations = []
    if roles.agency_user:
        destinations.append(
            Destination(
                "agency",
                "Your agency",
                reverse("agency:dashboard"),
                "Start or continue your agency's application, invite colleagues and see awards.",
            )
        )
    if roles.moderator:
        destinations.append(
            Destination(
                "moderation",
                "Moderation",
                reverse("moderation:queue"),
                "Review and score the applications assigned to you.",
            )
        )
    if roles.coram_staff:
        destinations.append(
            Destination(
                "staff",
                "Scheme administration",
                reverse("staff:home"),
                "Screen applications, assign moderators, manage agencies and the framework.",
            )
        )
    return destinations
