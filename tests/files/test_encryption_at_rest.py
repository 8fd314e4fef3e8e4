"""Every object the portal writes to S3 asks for server-side encryption, from the
settings as the environment configures them (a fresh process against a local
moto S3 server)."""

import secrets

from tests.runtime.support import clean_env, run_django

WRITE_AND_READ_BACK = """
import boto3
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from qualitymark.files.storage import store_private_file
from qualitymark.governance.notice import files_encrypted_by_store

client = boto3.client(
    "s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL, region_name="eu-west-2",
    aws_access_key_id="testing", aws_secret_access_key="testing",
)
client.create_bucket(
    Bucket=settings.AWS_STORAGE_BUCKET_NAME,
    CreateBucketConfiguration={"LocationConstraint": "eu-west-2"},
)
stored = store_private_file(ContentFile(b"%PDF-1.4 evidence"), prefix="evidence/1")
head = client.head_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=stored.key)
# The notice's own template and flag (its retention table needs a database this
# process does not have).
notice = render_to_string(
    "core/privacy.html",
    {"files_encrypted": files_encrypted_by_store(), "file_checking": {}, "retention_rules": []},
)
result = {
    "sse": head.get("ServerSideEncryption"),
    "notice_says_encrypted": "The file store encrypts every file it keeps." in notice,
}
"""


def _write_with(moto_endpoint, **env):
    return run_django(
        WRITE_AND_READ_BACK,
        env=clean_env(
            AWS_STORAGE_BUCKET_NAME=f"qm-sse-{secrets.token_hex(4)}",
            AWS_S3_ENDPOINT_URL=moto_endpoint,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            **env,
        ),
    )


def test_objects_are_written_with_server_side_encryption_by_default(moto_endpoint):
    result = _write_with(moto_endpoint)
    assert result == {"sse": "AES256", "notice_says_encrypted": True}


def test_encryption_can_be_switched_off_and_the_notice_then_does_not_claim_it(moto_endpoint):
    result = _write_with(moto_endpoint, AWS_S3_SERVER_SIDE_ENCRYPTION="")
    assert result == {"sse": None, "notice_says_encrypted": False}
