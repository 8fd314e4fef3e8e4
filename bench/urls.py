"""The project's URLs and /bench/trivial/: a view that does nothing, to
measure every page against on the same server. And /bench/blank/: the
signed-in layout (header, navigation, footer) around one heading, asking the
database nothing of its own: what every signed-in page costs before its content."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from qualitymark.urls import urlpatterns as project_patterns


@login_not_required
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


BLANK = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1 class="govuk-heading-l">Blank</h1>'
    "{% endblock %}"
)


def blank(request):
    return HttpResponse(BLANK.render({}, request))


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("bench/blank/", blank, name="bench_blank"),
    *project_patterns,
]
