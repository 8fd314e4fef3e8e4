"""A form sent twice by a double click is done once.

The same person sending the same fields to the same address within WINDOW seconds is a
repeat. The first sending claims the form's key (a unique row, so two at once cannot
both claim it); a repeat waits for the first one's answer and is sent where it was sent,
with a message. Only answers that send the person on (redirects) are kept: a form that
came back with errors can be sent again at once."""

import hashlib
import time
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .models import RepeatedPost

WINDOW = timedelta(seconds=30)
WAIT_SECONDS = 10
POLL_SECONDS = 0.1
KEPT = timedelta(hours=1)
REDIRECTS = (301, 302, 303)
NOT_GUARDED_ENDINGS = ("/autosave/",)


def _key(request) -> str | None:
    if request.method != "POST" or request.path.endswith(NOT_GUARDED_ENDINGS):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    digest = hashlib.sha256(f"{user.pk}\n{request.get_full_path()}\n".encode())
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(f"{name}={value}\n".encode("utf-8", "surrogatepass"))
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
    return digest.hexdigest()


def _claim(key: str) -> bool:
    now = timezone.now()
    RepeatedPost.objects.filter(created_at__lt=now - KEPT).delete()
    RepeatedPost.objects.filter(key=key, created_at__lt=now - WINDOW).delete()
    try:
        with transaction.atomic():
            RepeatedPost.objects.create(key=key, created_at=now)
    except IntegrityError:
        return False
    return True


class RepeatedPostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _key(request)
        if key is None:
            return self.get_response(request)
        if not _claim(key):
            repeat = self._first_answer(request, key)
            if repeat is not None:
                return repeat
        try:
            response = self.get_response(request)
        except BaseException:
            RepeatedPost.objects.filter(key=key).delete()
            raise
        if response.status_code in REDIRECTS:
            RepeatedPost.objects.filter(key=key).update(location=response["Location"])
        else:
            RepeatedPost.objects.filter(key=key).delete()
        return response

    def _first_answer(self, request, key):
        """Where the first sending went, once it has finished; None when it has gone
        (it came back with errors) and this one may be done after all."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            first = RepeatedPost.objects.filter(key=key).values_list("location", flat=True)
            location = first.first()
            if location is None and _claim(key):
                return None
            if location:
                messages.info(request, "You sent this twice. We have done it once.")
                return redirect(location)
            time.sleep(POLL_SECONDS)
        messages.info(request, "We are still dealing with what you sent. Check the page again.")
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/"
        return redirect(back)
