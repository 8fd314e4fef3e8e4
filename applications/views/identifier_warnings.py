"""The warning a section page shows when what was saved in it looks identifying."""

from django.urls import reverse

from ..selectors.identifiers import identifier_findings


def section_identifier_warnings(application, key: str, overview=None) -> list[dict]:
    """Unconfirmed findings in one section (its answers and files), each with a link to
    the field or the files it is in."""
    warnings = []
    for item in identifier_findings(application, overview):
        if item.section_key != key or item.confirmed:
            continue
        warnings.append(
            {
                "where": item.field_label or item.source_label,
                "href": f"#id_{item.field_name}" if item.field_name else "#evidence",
                "kind": item.kind_label,
                "text": "" if item.is_unreadable_document else item.finding.text,
                "before": item.context_before,
                "after": item.context_after,
            }
        )
    return warnings


def identifier_check_url(application) -> str:
    return reverse("agency:identifiers", args=[application.pk])
