"""The public register, certificate verification and badges.

No sign-in, no cookies, no CSRF token: these pages are rendered without the
request (so no context processor reads the session or the user) from
templates that extend ``register/base.html``, and they are cached (see
moderation.cache). Their number of queries does not grow with the register.
"""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import urlencode
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from qualitymark.core.spreadsheets import spreadsheet_cell

from ..award_states import NOT_ON_REGISTER, register_states
from ..cache import cached_public_page
from ..forms.awards import RegisterFilterForm
from ..selectors import register as register_selectors

PAGE_SIZE = 25
STREAM_CHUNK = 500  # download rows per streamed piece
PAGE_MAX_AGE = 300  # seconds browsers and proxies may keep a public page
BADGE_MAX_AGE = 300
SERVICE_NAME = "Early Permanence Quality Mark"


def _render(template: str, context: dict, *, status: int = 200) -> HttpResponse:
    page = render_to_string(
        template,
        {
            "service_name": SERVICE_NAME,
            "is_production": settings.PRODUCTION,
            **context,
        },
    )
    response = HttpResponse(page, status=status)
    response["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE}"
    return response


def _filters_form(request) -> RegisterFilterForm:
    return RegisterFilterForm(request.GET or None)


def _page_number(request) -> str:
    value = request.GET.get("page", "1")
    return value if value.isdigit() and len(value) < 6 else "1"


def _register_key(request, **kwargs) -> dict:
    return {**_filters_form(request).filters().as_key(), "page": _page_number(request)}


def _filters_key(request, **kwargs) -> dict:
    return _filters_form(request).filters().as_key()


def _query_string(filters, **extra) -> str:
    params = {
        "q": filters.query,
        "region": filters.region,
        "type": filters.agency_type,
        "level": filters.level,
        "status": filters.status,
        "sort": filters.sort if filters.sort != register_selectors.DEFAULT_SORT else "",
        **extra,
    }
    return urlencode({key: value for key, value in params.items() if value})


@login_not_required
@require_safe
@cached_public_page("register", key_parts=_register_key)
def register(request):
    form = _filters_form(request)
    filters = form.filters()
    paginator = Paginator(register_selectors.register_awards(filters), PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    awards = list(page.object_list)
    base_query = _query_string(filters)
    return _render(
        "register/register.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "awards": awards,
            "summary": register_selectors.register_summary(),
            "previous_url": f"?{_query_string(filters, page=page.previous_page_number())}"
            if page.has_previous()
            else "",
            "next_url": f"?{_query_string(filters, page=page.next_page_number())}"
            if page.has_next()
            else "",
            "csv_url": reverse("public:register_csv") + (f"?{base_query}" if base_query else ""),
            "json_url": reverse("public:register_json") + (f"?{base_query}" if base_query else ""),
            "today": timezone.localdate(),
        },
    )


@login_not_required
@require_safe
@cached_public_page("register-data")
def register_data(request):
    return _render(
        "register/data.html",
        {
            "fields": register_selectors.REGISTER_FIELDS,
            "schema_version": register_selectors.REGISTER_SCHEMA_VERSION,
            "states": register_states(),
            "site_url": settings.SITE_URL,
        },
    )


@login_not_required
@require_safe
@cached_public_page("register-agency")
def agency(request, slug):
    found = register_selectors.register_agency(slug)
    if found is None:
        return _render("register/not_found.html", {"thing": "agency"}, status=404)
    agency_, awards = found
    badge_url = settings.SITE_URL + reverse("public:badge", args=[agency_.slug])
    page_url = settings.SITE_URL + reverse("public:agency", args=[agency_.slug])
    return _render(
        "register/agency.html",
        {
            "agency": agency_,
            "awards": awards,
            "headline": next(
                (a for a in awards if a.state.is_live),
                awards[0],
            ),
            "badge_path": reverse("public:badge", args=[agency_.slug]),
            "embed_code": f'<a href="{page_url}"><img src="{badge_url}" '
            f'alt="{escape(agency_.name)}: Early Permanence Quality Mark status" '
            f'width="240" height="64"></a>',
        },
    )


def _download_headers(response, filename: str) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_safe
@cached_public_page("register-csv", key_parts=_filters_key)
def register_csv(request):
    names = [name for name, _ in register_selectors.REGISTER_FIELDS]
    rows = register_selectors.register_rows(_filters_form(request).filters())

    def lines():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\r\n")
        writer.writeheader()
        for start in range(0, len(rows), STREAM_CHUNK):
            for row in rows[start : start + STREAM_CHUNK]:
                writer.writerow({name: spreadsheet_cell(row[name]) for name in names})
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return _download_headers(response, "quality-mark-register.csv")


@login_not_required
@require_safe
@cached_public_page("register-json", key_parts=_filters_key)
def register_json(request):
    rows = register_selectors.register_rows(_filters_form(request).filters())
    head = {
        "schema_version": register_selectors.REGISTER_SCHEMA_VERSION,
        "as_of": timezone.localdate().isoformat(),
        "documentation": settings.SITE_URL + reverse("public:register_data"),
        "count": len(rows),
    }

    def document():
        yield json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "awards": ['
        for start in range(0, len(rows), STREAM_CHUNK):
            chunk = rows[start : start + STREAM_CHUNK]
            yield ("," if start else "") + ",".join(
                "\n    " + json.dumps(row, ensure_ascii=False) for row in chunk
            )
        yield "\n  ]\n}\n"

    response = StreamingHttpResponse(document(), content_type="application/json; charset=utf-8")
    return _download_headers(response, "quality-mark-register.json")


class NewAwardsFeed(Feed):
    feed_type = Atom1Feed
    title = "Early Permanence Quality Mark: new awards"
    subtitle = "Agencies newly published on the register of the Early Permanence Quality Mark."
    author_name = "Coram's Centre for Early Permanence"

    def link(self):
        return settings.SITE_URL + reverse("public:register")

    def feed_url(self):
        return settings.SITE_URL + reverse("public:feed")

    def items(self):
        return (
            register_selectors.published_awards()
            .filter(first_published_at__isnull=False)
            .order_by("-first_published_at", "-id")[:50]
        )

    def item_title(self, award):
        return f"{award.agency.name}: {award.get_level_display()}"

    def item_description(self, award):
        return (
            f"{award.agency.name} ({award.agency.get_agency_type_display()}, "
            f"{award.agency.get_region_display()}) holds the Early Permanence Quality Mark "
            f"at {award.level_phrase}: certificate {award.number}, awarded "
            f"on {award.awarded_on:%-d %B %Y}, valid until {award.expires_on:%-d %B %Y}. "
            f"Status today: {award.state.label.lower()}."
        )

    def item_link(self, award):
        return settings.SITE_URL + reverse("public:agency", args=[award.agency.slug])

    def item_guid(self, award):
        return f"{settings.SITE_URL}{reverse('public:register')}#{award.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, award):
        return award.first_published_at

    def item_updateddate(self, award):
        return award.published_at or award.first_published_at


_feed = NewAwardsFeed()


@login_not_required
@require_safe
@cached_public_page("register-feed")
def feed(request):
    response = _feed(request)
    response["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE}"
    return response


# --- Verification -------------------------------------------------------------------------------


@login_not_required
@require_safe
@cached_public_page("verify")
def verify(request, token):
    award = register_selectors.award_for_token(token)
    if award is None:
        return _render("register/verify_unknown.html", {}, status=404)
    listed = award.is_published or (
        award.superseded_by is not None and award.superseded_by.is_published
    )
    return _render(
        "register/verify.html",
        {
            "award": award,
            "agency": award.agency,
            "state": award.state,
            "register_url": reverse("public:agency", args=[award.agency.slug]) if listed else "",
            "today": timezone.localdate(),
        },
    )


# --- Badges -------------------------------------------------------------------------------------


def badge_lines(award) -> tuple[str, str]:
    """The badge's two lines: the level, then the status (from the state table)."""
    if award is None:
        return NOT_ON_REGISTER.headline, NOT_ON_REGISTER.detail
    detail = award.state.badge_detail.format(date=f"{award.expires_on:%-d %b %Y}")
    return award.get_level_display(), detail


@login_not_required
@require_safe
@xframe_options_exempt
@cached_public_page("badge")
def badge(request, slug):
    award = register_selectors.badge_award(slug)
    face = award.state if award is not None else NOT_ON_REGISTER
    headline, detail = badge_lines(award)
    link = settings.SITE_URL + (
        reverse("public:agency", args=[slug]) if award else reverse("public:register")
    )
    svg = render_to_string(
        "register/badge.svg",
        {
            "headline": headline,
            "detail": detail,
            "colour": face.colour,
            "shows_tick": face.shows_tick,
            "link": link,
            "agency_name": award.agency.name if award else "",
            "status_label": face.label,
        },
    )
    response = HttpResponse(
        svg, content_type="image/svg+xml; charset=utf-8", status=200 if award else 404
    )
    response["Cache-Control"] = f"public, max-age={BADGE_MAX_AGE}"
    # Its own policy: the SVG loads nothing and runs nothing. (A page that embeds
    # it with <img> is not subject to this, nor to X-Frame-Options.)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    return response


__all__ = [
    "agency",
    "badge",
    "feed",
    "register",
    "register_csv",
    "register_data",
    "register_json",
    "verify",
]
