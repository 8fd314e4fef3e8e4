"""Every form leaves checking to the server, so the GOV.UK error summary, not the
browser's own pop-up, tells people what to fix (issue 15)."""

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

TEMPLATES = Path(settings.BASE_DIR) / "templates"
FORM_TAG = re.compile(r"<form\b[^>]*>", re.DOTALL)


def test_every_form_in_the_templates_has_novalidate():
    tags = [
        (path.relative_to(TEMPLATES), tag)
        for path in TEMPLATES.rglob("*.html")
        for tag in FORM_TAG.findall(path.read_text(encoding="utf-8"))
    ]
    assert len(tags) > 30
    assert [(path, tag) for path, tag in tags if "novalidate" not in tag] == []


def test_crispy_forms_render_with_novalidate():
    """{% crispy form %} draws its own form tag from the template pack."""
    source = get_template("gds/whole_uni_form.html").template.source
    assert [tag for tag in FORM_TAG.findall(source) if "novalidate" not in tag] == []
