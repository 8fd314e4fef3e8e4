"""The template engine's settings (TEMPLATES), kept here so settings.py stays short."""


def templates(base_dir) -> list[dict]:
    return [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [base_dir / "templates"],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                    "csp.context_processors.nonce",
                    "qualitymark.core.context_processors.site",
                ],
                # Issue 16: Django's `date` filter and `url` tag, quicker (see each library).
                "builtins": [
                    "qualitymark.core.templatetags.govuk_tags",
                    "qualitymark.core.templatetags.links",
                    # Last, so that its `date` is the one templates use.
                    "qualitymark.core.templatetags.dates",
                ],
            },
        },
    ]
