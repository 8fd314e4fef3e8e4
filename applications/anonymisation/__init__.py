"""Anonymisation guard for application narratives and documents.

Applications for the Early Permanence Quality Mark must never identify children, adopters,
birth parents or other service users. ``find_identifiers`` scans free text for personal
identifiers and returns non-overlapping ``Finding`` objects, sorted by offset, so that a form
can warn the author (or a moderator) before anything is submitted.

Names are found with a names data set (first names and surnames of many countries, see
``lexicon``) read in context: a name that is also an ordinary word ("Hope") counts only when
the words around it say a person is meant, and a name next to a job title, in a citation or
in case law is not a service user. Dates count when they are introduced as a date of birth
or, with an age, give one away. The agency's own contact details, staff and portal users
are passed in through the ``allowed_*`` arguments and never reported.

Pure Python with no Django imports, so it can run in forms, Celery tasks and tests alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .contacts import find_emails, find_phones, find_postcodes, national_phone_digits
from .contacts import normalise_postcode as _normalise_postcode
from .cued import find_cued_identifiers
from .dates import find_dates_of_birth
from .kinds import (
    ADDRESS,
    CASE_REFERENCE,
    DATE_OF_BIRTH,
    EMAIL,
    KINDS,
    NHS_NUMBER,
    NI_NUMBER,
    PERSON_NAME,
    PHONE,
    POSTCODE,
    SCHOOL,
    Finding,
    resolve_overlaps,
)
from .names import find_person_names
from .places import find_addresses, find_schools, normalise_address
from .record_numbers import (
    find_case_references,
    find_nhs_numbers,
    find_ni_numbers,
    nhs_checksum_is_valid,
    ni_prefix_is_valid,
)
from .tables import find_in_table_rows

__all__ = [
    "ADDRESS",
    "CASE_REFERENCE",
    "DATE_OF_BIRTH",
    "EMAIL",
    "KINDS",
    "NHS_NUMBER",
    "NI_NUMBER",
    "PERSON_NAME",
    "PHONE",
    "POSTCODE",
    "SCHOOL",
    "Finding",
    "find_identifiers",
    "nhs_checksum_is_valid",
    "ni_prefix_is_valid",
]


def _allowed(
    emails: Iterable[str],
    domains: Iterable[str],
    phones: Iterable[str],
    postcodes: Iterable[str],
    names: Iterable[str],
    addresses: Iterable[str],
) -> dict:
    return {
        "emails": {email.strip().lower() for email in emails if email and email.strip()},
        "domains": {d.strip().lstrip("@.").lower() for d in domains if d and d.strip()},
        "phones": {
            national_phone_digits(re.sub(r"\D", "", phone))
            for phone in phones
            if phone and re.search(r"\d", phone)
        },
        "postcodes": {_normalise_postcode(p) for p in postcodes if p and p.strip()},
        "names": {" ".join(n.lower().split()) for n in names if n and n.strip()},
        "addresses": [normalise_address(a) for a in addresses if a and a.strip()],
    }


def find_identifiers(
    text: str,
    *,
    allowed_emails: Iterable[str] = (),
    allowed_domains: Iterable[str] = (),
    allowed_phones: Iterable[str] = (),
    allowed_postcodes: Iterable[str] = (),
    allowed_names: Iterable[str] = (),
    allowed_addresses: Iterable[str] = (),
) -> list[Finding]:
    """Return the personal identifiers in ``text``, sorted by offset and non-overlapping.

    The ``allowed_*`` arguments carry what the agency may name: its published e-mail
    addresses (case-insensitive) and domains (with their subdomains), phone numbers
    (compared by digits, "+44" and "0" prefixes alike), postcodes (ignoring case and
    spaces), its staff and portal users' full names, and its own postal addresses.
    """
    if not text or text.isspace():
        return []
    allowed = _allowed(
        allowed_emails,
        allowed_domains,
        allowed_phones,
        allowed_postcodes,
        allowed_names,
        allowed_addresses,
    )
    findings = [
        *find_emails(text, allowed["emails"], allowed["domains"]),
        *find_case_references(text),
        *find_nhs_numbers(text),
        *find_ni_numbers(text),
        *find_dates_of_birth(text),
        *find_postcodes(text, allowed["postcodes"]),
        *find_phones(text, allowed["phones"]),
        *find_addresses(text, allowed["addresses"]),
        *find_schools(text),
        *find_in_table_rows(text),
        *find_person_names(text, allowed["names"]),
        *find_cued_identifiers(text),
    ]
    return resolve_overlaps(findings)
