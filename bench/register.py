"""The public register's part of bench/pages.py: 300 published awards."""

from django.test import Client
from django.urls import reverse

AWARDS = 300


def run(row, measure):
    from moderation.models.awards import Award
    from tests.awards.factories import make_award

    awards = [make_award(level="full" if i % 3 else "working_towards") for i in range(AWARDS)]
    award = Award.objects.get(pk=awards[0].pk)
    public = Client()
    print(f"Public register with {AWARDS} published awards:")
    row("  /register/ (cold cache)", measure(public, reverse("public:register"), clear_cache=True))
    row("  /register/ (cached)", measure(public, reverse("public:register")))
    row(
        "  /register/?region=london&level=full (cold)",
        measure(public, reverse("public:register") + "?region=london&level=full", clear_cache=True),
    )
    row("  /register.csv (cold)", measure(public, reverse("public:register_csv"), clear_cache=True))
    row(
        "  /register.json (cold)",
        measure(public, reverse("public:register_json"), clear_cache=True),
    )
    row("  /register/feed/ (cold)", measure(public, reverse("public:feed"), clear_cache=True))
    row(
        "  /verify/<token>/ (cold)",
        measure(
            public, reverse("public:verify", args=[award.verification_token]), clear_cache=True
        ),
    )
    row(
        "  /badge/<agency>.svg (cold)",
        measure(public, reverse("public:badge", args=[award.agency.slug]), clear_cache=True),
    )
