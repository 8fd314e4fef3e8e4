"""Complete, valid answers for every section, for tests that need a full application."""

ABOUT = {
    "contact_name": "Jo Ellis",
    "contact_role": "Early permanence team manager",
    "contact_email": "jo.ellis@agency.example",
    "contact_phone": "0117 496 0000",
    "head_of_service_name": "Sam Rahman",
    "head_of_service_email": "sam.rahman@agency.example",
    "service_description": "Our early permanence team of four social workers recruits, assesses "
    "and supports carers for Fostering for Adoption and concurrent planning.",
}
EP_DATA = {
    "ffa_placements": "9",
    "concurrent_placements": "3",
    "children_placed_for_adoption": "41",
    "placed_before_first_birthday": "14",
    "ep_households_approved": "11",
    "average_days_to_ep_placement": "23",
}
NARRATIVE = (
    "Early permanence is considered for every baby where adoption is a possible plan. "
    "Our tracking meeting reviews each unborn baby monthly with the children's social work team."
)
FEE = {
    "purchase_order_number": "PO-2026-118",
    "invoice_contact_name": "Finance Team",
    "invoice_contact_email": "finance@agency.example",
    "invoice_address": "1 Civic Square\nAnytown",
}


def section_answers(section_key: str) -> dict:
    if section_key == "about":
        return ABOUT
    if section_key == "ep-data":
        return EP_DATA
    if section_key == "fee":
        return FEE
    if section_key == "changes":
        return {"changes": NARRATIVE, "development_progress": NARRATIVE}
    return {"narrative": NARRATIVE}


# --- Filling in a whole application -------------------------------------------------------


def cleaned_answers(application, key: str) -> dict:
    """The answers for one section as the section's form stores them (numbers
    as numbers), for tests that save through the service."""
    from applications.section_list import form_kwargs, sections_for
    from applications.selectors.submissions import descriptors_for

    section = next(
        item for item in sections_for(application, descriptors_for(application)) if item.key == key
    )
    form = section.form_class(
        {**section_answers(key), "version": 0, "completed": "yes"},
        application=application,
        **form_kwargs(section),
    )
    assert form.is_valid(), form.errors
    return form.answer_data()


def section_keys(application) -> list[str]:
    from applications.section_list import sections_for
    from applications.selectors.submissions import descriptors_for

    return [section.key for section in sections_for(application, descriptors_for(application))]


def complete_every_section(application, actor, *, state: str = "completed") -> None:
    """Answer every section through the service, as `actor`."""
    from applications.models.submissions import SectionAnswer
    from applications.services.submissions import save_section

    for key in section_keys(application):
        version = (
            SectionAnswer.objects.filter(application=application, key=key)
            .values_list("version", flat=True)
            .first()
            or 0
        )
        save_section(
            actor=actor,
            application=application,
            key=key,
            data=cleaned_answers(application, key),
            state=state,
            expected_version=version,
        )


# --- Reading the pages --------------------------------------------------------------------


class Page:
    """A rendered page, read the way a person (or a screen reader) would:
    the error summary, the errors beside each field, and what is in each field."""

    def __init__(self, response):
        from django.test.html import parse_html

        self.response = response
        self.root = parse_html(response.content.decode())

    # walking the tree
    def elements(self, node=None):
        from django.test.html import Element

        node = self.root if node is None else node
        yield node
        for child in node.children:
            if isinstance(child, Element):
                yield from self.elements(child)

    @staticmethod
    def attr(element, name: str, default=None):
        return dict(element.attributes).get(name, default)

    @classmethod
    def has_class(cls, element, name: str) -> bool:
        return name in (cls.attr(element, "class") or "").split()

    @classmethod
    def text(cls, element) -> str:
        from django.test.html import Element

        parts = []
        for child in element.children:
            parts.append(cls.text(child) if isinstance(child, Element) else str(child))
        return " ".join(" ".join(parts).split())

    def with_class(self, name: str, node=None) -> list:
        return [element for element in self.elements(node) if self.has_class(element, name)]

    # errors
    def error_summary(self) -> list[tuple[str, str]]:
        """(href, text) of each link in the GOV.UK error summary."""
        links = []
        for summary in self.with_class("govuk-error-summary"):
            for element in self.elements(summary):
                if element.name == "a":
                    links.append((self.attr(element, "href"), self.text(element)))
        return links

    def errors_beside(self, field: str) -> list[str]:
        """The error messages shown with the field called `field`."""
        prefix = f"id_{field}_"
        return [
            self.text(element).removeprefix("Error:").strip()
            for element in self.with_class("govuk-error-message")
            if (self.attr(element, "id") or "").startswith(prefix)
            and (self.attr(element, "id") or "")[len(prefix) :].removesuffix("_error").isdigit()
        ]

    def ids(self) -> set[str]:
        return {self.attr(element, "id") for element in self.elements()} - {None}

    def assert_error(self, field: str, message: str) -> None:
        """The GOV.UK pattern: the message is in the error summary, linking to
        the field (for radios and checkbox lists, its first option), and
        beside the field itself."""
        links = [href for href, text in self.error_summary() if text == message]
        assert links, f"{message!r} is not in the error summary: {self.error_summary()}"
        assert links[0] in (f"#id_{field}", f"#id_{field}_1"), links
        assert links[0][1:] in self.ids(), f"the link {links[0]} goes nowhere on the page"
        assert message in self.errors_beside(field), (
            f"{message!r} is not shown beside {field}: {self.errors_beside(field)}"
        )

    # values
    def value(self, name: str):
        """What the field called `name` holds: an input's value, a textarea's
        text, the checked radio or checkbox, the selected option."""
        for element in self.elements():
            if self.attr(element, "name") != name:
                continue
            if element.name == "textarea":
                return self.text(element)
            if element.name == "select":
                for option in self.elements(element):
                    if option.name == "option" and "selected" in dict(option.attributes):
                        return self.attr(option, "value")
                return None
            kind = self.attr(element, "type")
            if kind in ("radio", "checkbox"):
                if "checked" in dict(element.attributes):
                    return self.attr(element, "value") or "on"
                continue
            return self.attr(element, "value")
        return None

    def contains(self, text: str) -> bool:
        return text in self.text(self.root)
