#!/bin/sh
# One-shot set-up of the S3-compatible store (runs in the minio/mc image).
# Idempotent: safe on every `docker compose up`.
#   - creates the private bucket for evidence and certificates;
#   - makes sure it allows no anonymous access;
#   - creates the application's own key, allowed to use that bucket and nothing else,
#     and proves the key works before the app services start.
set -eu

: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${BUCKET:?}"
: "${APP_ACCESS_KEY:?}" "${APP_SECRET_KEY:?}"
ENDPOINT="${MINIO_ENDPOINT:-http://minio:9000}"
POLICY=qualitymark-app

mc alias set root "$ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" --api S3v4 >/dev/null
mc mb --ignore-existing "root/$BUCKET"
mc anonymous set none "root/$BUCKET"

# Built with the shell's own printf: the mc image is minimal.
printf '%s\n' \
  '{' \
  '  "Version": "2012-10-17",' \
  '  "Statement": [' \
  '    {' \
  '      "Effect": "Allow",' \
  '      "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],' \
  "      \"Resource\": [\"arn:aws:s3:::$BUCKET\"]" \
  '    },' \
  '    {' \
  '      "Effect": "Allow",' \
  '      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",' \
  '                 "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],' \
  "      \"Resource\": [\"arn:aws:s3:::$BUCKET/*\"]" \
  '    }' \
  '  ]' \
  '}' > /tmp/app-policy.json
mc admin policy create root "$POLICY" /tmp/app-policy.json
mc admin user add root "$APP_ACCESS_KEY" "$APP_SECRET_KEY"
# Attaching a policy that is already attached is reported as an error; the check
# below is what decides whether the key really works.
mc admin policy attach root "$POLICY" --user "$APP_ACCESS_KEY" >/dev/null 2>&1 || true

mc alias set app "$ENDPOINT" "$APP_ACCESS_KEY" "$APP_SECRET_KEY" --api S3v4 >/dev/null
mc ls "app/$BUCKET" >/dev/null
echo "bucket $BUCKET ready; key $APP_ACCESS_KEY can use it"
