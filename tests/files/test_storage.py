import hashlib
import os
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect

from qualitymark.files.storage import (
    StoredFile,
    delete_private_file,
    file_response,
    open_private_file,
    private_storage,
    store_private_file,
    uses_signed_urls,
)

from . import samples

# Talk to 127.0.0.1 directly, whatever proxy the environment names.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url: str):
    try:
        response = _direct.open(url, timeout=10)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    with response:
        return response.status, response.headers, response.read()


def streamed(response) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        response.file_to_stream.close()


# --- local private folder (the default in development and tests) --------------------


def test_private_storage_follows_settings(settings, tmp_path):
    assert isinstance(private_storage(), FileSystemStorage)
    assert private_storage().base_location == str(tmp_path / "private-media")
    assert not uses_signed_urls()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "elsewhere")},
        },
    }
    assert private_storage().base_location == str(tmp_path / "elsewhere")


def test_store_private_file_uses_a_random_key_and_hashes_the_content():
    data = samples.docx_bytes("Our early permanence champions")
    uploaded = samples.upload("Secret child name report.docx", data)

    stored = store_private_file(uploaded, prefix="evidence/agency-7")

    assert isinstance(stored, StoredFile)
    assert stored.key.startswith("evidence/agency-7/")
    assert len(stored.key.rsplit("/", 1)[1]) == 32  # token_urlsafe(24)
    assert "Secret" not in stored.key and "docx" not in stored.key
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    with open_private_file(stored.key) as handle:
        assert handle.read() == data
    assert uploaded.tell() == 0
    assert store_private_file(uploaded, prefix="evidence/agency-7").key != stored.key


def test_store_private_file_streams_in_chunks():
    data = os.urandom(900_000)
    uploaded, recorder = samples.recording_upload("big.pdf", b"%PDF-1.7\n" + data)
    stored = store_private_file(uploaded, prefix="evidence")
    assert max(recorder.read_sizes) <= 64 * 1024
    assert stored.size == len(data) + 9


def test_temporary_upload_is_copied_not_moved():
    data = samples.pdf_bytes()
    uploaded = samples.temporary_upload("report.pdf", data)
    try:
        stored = store_private_file(uploaded, prefix="evidence")
        assert os.path.exists(uploaded.temporary_file_path())
        assert uploaded.read() == data
        with open_private_file(stored.key) as handle:
            assert handle.read() == data
    finally:
        uploaded.close()


def test_files_are_written_under_the_private_folder_only(tmp_path):
    stored = store_private_file(samples.upload("a.txt", b"hello"), prefix="evidence")
    assert (tmp_path / "private-media" / stored.key).read_bytes() == b"hello"


@pytest.mark.parametrize(
    "prefix",
    ["", "/", "../evidence", "evidence/../../etc", "a//b", "evidence/some file", "evidence\\x"],
)
def test_prefix_must_be_a_plain_path(prefix):
    with pytest.raises(ValueError, match="Storage prefix"):
        store_private_file(samples.upload("a.txt", b"hello"), prefix=prefix)


def test_surrounding_slashes_in_a_prefix_are_ignored():
    stored = store_private_file(samples.upload("a.txt", b"hi"), prefix="/certificates/")
    assert stored.key.startswith("certificates/")


def test_delete_private_file():
    stored = store_private_file(samples.upload("a.txt", b"hello"), prefix="evidence")
    delete_private_file(stored.key)
    assert not default_storage.exists(stored.key)
    delete_private_file(stored.key)  # already gone: no error


def test_local_file_response_streams_an_attachment():
    data = samples.pdf_bytes()
    stored = store_private_file(samples.upload("report.pdf", data), prefix="evidence")

    response = file_response(
        stored.key, download_name="Q1 evidence.pdf", content_type="application/pdf"
    )

    assert isinstance(response, FileResponse)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Q1 evidence.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(data))
    assert streamed(response) == data


def test_download_name_is_sanitised_and_unicode_safe():
    stored = store_private_file(samples.upload("a.txt", b"hello"), prefix="evidence")
    response = file_response(
        stored.key, download_name='../../Café "notes"\r\n.txt', content_type="text/plain"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "Caf%C3%A9" in disposition
    assert "\r" not in disposition and "\n" not in disposition and ".." not in disposition
    assert streamed(response) == b"hello"


def test_missing_local_file_is_a_404():
    with pytest.raises(Http404):
        file_response(
            "evidence/nothing-here", download_name="x.pdf", content_type="application/pdf"
        )


# --- S3: a real S3-compatible server (moto) on 127.0.0.1 --------------------------------


def test_s3_store_is_private_and_round_trips(s3_storage):
    data = samples.docx_bytes("Recruiting and preparing early permanence carers")
    stored = store_private_file(samples.upload("Carers.docx", data), prefix="evidence/9")

    assert uses_signed_urls()
    assert stored.key.startswith("evidence/9/")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()

    head = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key=stored.key)
    assert head["ContentLength"] == len(data)
    acl = s3_storage.client.get_object_acl(Bucket=s3_storage.bucket, Key=stored.key)
    grantees = [grant["Grantee"].get("URI", "") for grant in acl["Grants"]]
    assert not any("AllUsers" in uri or "AuthenticatedUsers" in uri for uri in grantees)

    # Nobody can read it without a signature.
    status, _, _ = http_get(f"{s3_storage.endpoint}/{s3_storage.bucket}/{stored.key}")
    assert status == 403

    with open_private_file(stored.key) as handle:
        content = handle.read()
    assert content == data
    assert hashlib.sha256(content).hexdigest() == stored.sha256


def test_s3_file_response_redirects_to_a_short_lived_signed_attachment(s3_storage, settings):
    data = samples.pdf_bytes()
    stored = store_private_file(samples.upload("report.pdf", data), prefix="certificates")

    response = file_response(
        stored.key,
        download_name="EPQM-C-2026-0042 certificate.pdf",
        content_type="application/pdf",
    )

    assert isinstance(response, HttpResponseRedirect)
    assert response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    query = parse_qs(urlsplit(url).query)
    assert "X-Amz-Signature" in query
    expires = int(query["X-Amz-Expires"][0])
    assert 0 < expires <= settings.SIGNED_URL_SECONDS == 120

    status, headers, body = http_get(url)
    assert status == 200
    assert body == data
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    assert headers["Content-Disposition"] == (
        'attachment; filename="EPQM-C-2026-0042 certificate.pdf"'
    )
    assert headers["Content-Type"] == "application/pdf"


def test_s3_delete(s3_storage):
    stored = store_private_file(samples.upload("a.txt", b"hello"), prefix="evidence")
    delete_private_file(stored.key)
    listing = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket, Prefix="evidence/")
    assert listing.get("KeyCount", 0) == 0
