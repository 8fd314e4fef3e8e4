"""Reading Coram staff's moderation pages in tests: their URLs, date fields and errors."""

from django.urls import reverse
from lxml import html as lxml_html


def url(name, application, *args):
    return reverse(f"staff:{name}", args=[application.pk, *args])


def date_fields(name: str, day) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def error_texts(response) -> tuple[list[str], dict[str, list[str]]]:
    """The texts in the error summary, and the error messages beside each field
    (by the field's name)."""
    tree = lxml_html.fromstring(response.content.decode())
    summary = [
        " ".join(link.text_content().split())
        for link in tree.xpath("//*[contains(@class, 'govuk-error-summary__list')]//a")
    ]
    beside: dict[str, list[str]] = {}
    for message in tree.xpath("//*[contains(@class, 'govuk-error-message')]"):
        field = (message.get("id") or "").removeprefix("id_").rsplit("_", 2)[0]
        text = " ".join(message.text_content().split()).removeprefix("Error:").strip()
        beside.setdefault(field, []).append(text)
    return summary, beside


def text_of(response) -> str:
    return " ".join(lxml_html.fromstring(response.content.decode()).text_content().split())


def errors(response) -> tuple[list[str], dict[str, list[str]]]:
    """Like error_texts, for a page that must have been shown again (200)."""
    assert response.status_code == 200, response.status_code
    return error_texts(response)
