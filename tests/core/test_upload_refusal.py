"""Oversized uploads are refused before they are read (issue 16): a request
that declares a body over the limit is answered at once, before any of the
body is sent; an upload within the declared limit is cut off as soon as one
file passes the cut-off, with the rest of the request left unread."""

import http.client
import io
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory

from qualitymark.core.uploads import OversizedRequestMiddleware, file_cutoff, request_limit

MB = 1024 * 1024


def test_a_declared_gigabyte_is_answered_before_a_byte_of_it_is_sent(live_server):
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.putrequest("POST", "/invitations/accept/anything/")
    connection.putheader("Content-Type", "multipart/form-data; boundary=xyz")
    connection.putheader("Content-Length", str(1024 * MB))
    connection.endheaders()  # the headers only: not one byte of the body
    response = connection.getresponse()
    page = response.read().decode()
    connection.close()
    assert response.status == 413
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert '<h1 class="govuk-heading-l">The file is too large</h1>' in page
    assert "must be 20 MB or smaller" in page
    assert 'class="govuk-footer' in page  # the service's own layout


def test_a_small_post_is_not_refused_for_its_size(live_server):
    address = urlsplit(live_server.url)
    body = b"x" * 1000
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request(
        "POST",
        "/invitations/accept/anything/",
        body=body,
        headers={"Content-Type": "application/octet-stream"},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status != 413


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.read_so_far = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.read_so_far += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.read_so_far += len(line)
        return line


def _multipart(file_size: int) -> tuple[bytes, str]:
    boundary = "qmboundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="narrative"\r\n\r\nSome words\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="evidence"; filename="huge.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    body += b"%PDF-1.7\n" + b"0" * file_size + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _post(body: bytes, content_type: str) -> tuple[WSGIRequest, CountingStream]:
    stream = CountingStream(body)
    request = RequestFactory().generic("POST", "/upload/", content_type=content_type)
    request.META["wsgi.input"] = stream
    request.META["CONTENT_LENGTH"] = str(len(body))
    request.META["CONTENT_TYPE"] = content_type
    return WSGIRequest(request.META), stream


def test_a_file_over_the_cut_off_stops_being_read_at_the_cut_off():
    cutoff = file_cutoff()
    body, content_type = _multipart(cutoff + 30 * MB)
    assert len(body) < request_limit()  # declared length is allowed
    request, stream = _post(body, content_type)
    reached = []

    def view(request):
        reached.append(request)
        raise AssertionError("the view must not be reached")

    response = OversizedRequestMiddleware(view)(request)
    assert response.status_code == 413
    assert not reached
    assert stream.read_so_far < cutoff + 2 * MB, "read on past the cut-off"
    assert len(body) - stream.read_so_far > 25 * MB


@pytest.mark.django_db
def test_a_file_under_the_cut_off_reaches_the_view_whole():
    body, content_type = _multipart(2 * MB)
    request, stream = _post(body, content_type)
    seen = {}

    def view(request):
        upload = request.FILES["evidence"]
        seen["size"] = upload.size
        seen["narrative"] = request.POST["narrative"]
        return "the view's answer"

    assert OversizedRequestMiddleware(view)(request) == "the view's answer"
    assert seen == {"size": 2 * MB + len(b"%PDF-1.7\n"), "narrative": "Some words"}
    assert stream.read_so_far == len(body)


def test_a_file_just_over_the_evidence_limit_is_left_to_the_form_to_explain():
    assert file_cutoff() > settings.EVIDENCE_MAX_UPLOAD_BYTES + 64 * 1024
    assert request_limit() > 5 * settings.EVIDENCE_MAX_UPLOAD_BYTES


def test_nothing_is_read_from_a_socket_when_the_length_is_over(live_server):
    """The same as the first test at the socket level: the answer is on the
    wire while the client is still holding the whole body back."""
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(
            b"POST /register/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/octet-stream\r\n"
            + f"Content-Length: {200 * MB}\r\n\r\n".encode()
        )
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413")
