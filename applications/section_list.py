"""The sections of an application in task-list order, and the form of each."""

from dataclasses import dataclass

from .section_forms import (
    AboutAgencySection,
    ChangesSection,
    DescriptorSection,
    EarlyPermanenceDataSection,
    FeeSection,
)
from .sections import ABOUT, CHANGES, EP_DATA, FEE, SectionForm, descriptor_key, descriptor_number


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    form_class: type[SectionForm]
    group: str
    descriptor: object | None = None

    @property
    def number(self) -> int | None:
        return descriptor_number(self.key)


def sections_for(application, descriptors) -> list[Section]:
    """The sections of this application in the order the task list shows them."""
    sections = [
        Section(ABOUT, "About your agency", AboutAgencySection, "Your agency"),
        Section(EP_DATA, "Early permanence data", EarlyPermanenceDataSection, "Your agency"),
    ]
    if application.kind != "new":
        sections.append(
            Section(
                CHANGES, "What has changed since your last award", ChangesSection, "Your agency"
            )
        )
    sections += [
        Section(
            descriptor_key(descriptor.number),
            f"{descriptor.code}: {descriptor.title}",
            DescriptorSection,
            "Evidence against the quality descriptors",
            descriptor,
        )
        for descriptor in descriptors
    ]
    sections.append(Section(FEE, "Fee and invoicing", FeeSection, "Fee and declaration"))
    return sections


def form_kwargs(section: Section) -> dict:
    return {"descriptor": section.descriptor} if section.form_class is DescriptorSection else {}


def summary_items(section: Section, application, data: dict) -> list[tuple[str, object]]:
    """(question, answer) pairs for check-your-answers and the PDF."""
    form = section.form_class(application=application, **form_kwargs(section))
    return [
        (field.label, data.get(name))
        for name, field in form.fields.items()
        if name not in SectionForm.MACHINERY
    ]
