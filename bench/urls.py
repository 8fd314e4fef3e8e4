"""The project's URLs and /bench/trivial/: a view that does nothing, to
measure every page against on the same server."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from qualitymark.urls import urlpatterns as project_patterns


@login_not_required
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *project_patterns]
