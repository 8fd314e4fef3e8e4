"""Tests for the anonymisation guard. Pure Python: no database and no Django needed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from applications.anonymisation import (
    CASE_REFERENCE,
    DATE_OF_BIRTH,
    EMAIL,
    KINDS,
    NHS_NUMBER,
    NI_NUMBER,
    PERSON_NAME,
    PHONE,
    POSTCODE,
    Finding,
    find_identifiers,
    nhs_checksum_is_valid,
    ni_prefix_is_valid,
)

CORPUS_PATH = Path(__file__).with_name("anonymisation_corpus.yaml")
MINIMUM_SCORE = 0.9


def load_corpus() -> dict:
    with CORPUS_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def allowed_arguments(corpus: dict) -> dict:
    allowed = corpus["allowed"]
    return {
        "allowed_emails": allowed.get("emails", []),
        "allowed_domains": allowed.get("domains", []),
        "allowed_phones": allowed.get("phones", []),
        "allowed_postcodes": allowed.get("postcodes", []),
    }


def kinds_and_texts(text: str, **allowed) -> list[tuple[str, str]]:
    return [(finding.kind, finding.text) for finding in find_identifiers(text, **allowed)]


# --------------------------------------------------------------------------------------------
# Corpus: recall and precision
# --------------------------------------------------------------------------------------------


def _label_spans(text: str, identifiers: list[dict]) -> list[tuple[str, int, int]]:
    spans = []
    for identifier in identifiers:
        start = text.find(identifier["text"])
        assert start >= 0, f"label {identifier['text']!r} is not in {text!r}"
        spans.append((identifier["kind"], start, start + len(identifier["text"])))
    return spans


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def test_corpus_is_well_formed():
    corpus = load_corpus()
    sentences = corpus["sentences"]
    identifying = [s for s in sentences if s["identifiers"]]
    assert len(sentences) >= 80
    assert 0.4 <= len(identifying) / len(sentences) <= 0.6
    for sentence in sentences:
        for identifier in sentence["identifiers"]:
            assert identifier["kind"] in KINDS
        _label_spans(sentence["text"], sentence["identifiers"])
    assert {i["kind"] for s in identifying for i in s["identifiers"]} == set(KINDS)


def test_corpus_recall_and_precision():
    corpus = load_corpus()
    allowed = allowed_arguments(corpus)
    labels_total = labels_found = findings_total = findings_correct = 0
    misses: list[str] = []
    false_alarms: list[str] = []

    for sentence in corpus["sentences"]:
        text = sentence["text"]
        labels = _label_spans(text, sentence["identifiers"])
        findings = find_identifiers(text, **allowed)

        for kind, start, end in labels:
            labels_total += 1
            if any(f.kind == kind and _overlaps(start, end, f.start, f.end) for f in findings):
                labels_found += 1
            else:
                misses.append(f"  {kind} {text[start:end]!r} in: {text}")

        for finding in findings:
            findings_total += 1
            if any(
                finding.kind == kind and _overlaps(start, end, finding.start, finding.end)
                for kind, start, end in labels
            ):
                findings_correct += 1
            else:
                false_alarms.append(f"  {finding.kind} {finding.text!r} in: {text}")

    recall = labels_found / labels_total
    precision = findings_correct / findings_total if findings_total else 1.0
    report = "\n".join(
        [
            f"recall {recall:.3f} ({labels_found}/{labels_total}), "
            f"precision {precision:.3f} ({findings_correct}/{findings_total})",
            "misses:",
            *(misses or ["  none"]),
            "false alarms:",
            *(false_alarms or ["  none"]),
        ]
    )
    print(report)
    assert recall >= MINIMUM_SCORE and precision >= MINIMUM_SCORE, report


# --------------------------------------------------------------------------------------------
# NHS numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "5738563913", "4809865347"])
def test_nhs_checksum_accepts_valid_numbers(number):
    assert nhs_checksum_is_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "9434765918",  # last digit wrong
        "4010232138",
        "1234567890",  # check digit would be 10: never issued
        "943476591",  # too short
        "94347659190",  # too long
        "943476591X",
    ],
)
def test_nhs_checksum_rejects_invalid_numbers(number):
    assert not nhs_checksum_is_valid(number)


@pytest.mark.parametrize("written", ["943 476 5919", "943-476-5919", "9434765919"])
def test_nhs_number_found_in_common_formats(written):
    assert kinds_and_texts(f"NHS number {written} on file.") == [(NHS_NUMBER, written)]


def test_ten_digits_failing_the_checksum_are_not_nhs_numbers():
    assert kinds_and_texts("Reference 943 476 5918 and 4010232138.") == []


def test_nhs_number_with_mixed_separators_is_not_matched():
    assert kinds_and_texts("Numbers 943 476-5919 appear here.") == []


# --------------------------------------------------------------------------------------------
# National Insurance numbers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["AB 12 34 56 C", "AB123456C", "JR 123456 D", "ZX 99 88 77 A"])
def test_ni_numbers_found(written):
    assert kinds_and_texts(f"Her NI number is {written}.") == [(NI_NUMBER, written)]


@pytest.mark.parametrize(
    "prefix",
    ["DA", "FA", "IA", "QA", "UA", "VA", "AD", "AF", "AI", "AO", "AQ", "AU", "AV"],
)
def test_ni_prefix_letters_that_are_never_issued(prefix):
    assert not ni_prefix_is_valid(prefix)
    assert kinds_and_texts(f"NI {prefix}123456C here") == []


@pytest.mark.parametrize("prefix", ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"])
def test_ni_prefixes_that_are_reserved(prefix):
    assert not ni_prefix_is_valid(prefix)
    assert kinds_and_texts(f"NI {prefix} 12 34 56 A here") == []


@pytest.mark.parametrize("written", ["QQ 12 34 56 C", "TN123456A", "FA 12 34 56 B"])
def test_any_prefix_counts_when_introduced_as_an_ni_number(written):
    # A test or unissued prefix is still meant as a person's number when the text says so.
    assert kinds_and_texts(f"Her NI number is {written}.") == [(NI_NUMBER, written)]
    assert kinds_and_texts(f"National Insurance: {written}") == [(NI_NUMBER, written)]


def test_lower_case_ni_number_needs_a_cue():
    assert kinds_and_texts("NI number: ab 12 34 56 c") == [(NI_NUMBER, "ab 12 34 56 c")]
    assert kinds_and_texts("at ab 12 34 56 c") == []
    assert kinds_and_texts("NI number: Ab 12 34 56 C") == []


def test_ni_suffix_must_be_a_to_d():
    assert kinds_and_texts("NI AB123456E here") == []
    assert ni_prefix_is_valid("OA")  # O is fine as a first letter, only not as the second


# --------------------------------------------------------------------------------------------
# Allowed contact details
# --------------------------------------------------------------------------------------------

AGENCY = {
    "allowed_emails": ["EarlyPermanence@AdoptSevernVale.org.uk"],
    "allowed_domains": ["@severnvale.gov.uk"],
    "allowed_phones": ["+44 (0)117 496 0123"],
    "allowed_postcodes": ["bs16xn"],
}


def test_allowed_email_is_not_flagged_case_insensitively():
    assert kinds_and_texts("Write to earlypermanence@adoptsevernvale.org.uk.", **AGENCY) == []


def test_other_address_at_allowed_email_domain_is_flagged_without_domain_allowance():
    text = "Write to kerry@adoptsevernvale.org.uk today."
    assert kinds_and_texts(text, **AGENCY) == [(EMAIL, "kerry@adoptsevernvale.org.uk")]


def test_allowed_domain_and_its_subdomains_are_not_flagged():
    text = "Use admin@severnvale.gov.uk or panel@family.severnvale.gov.uk please."
    assert kinds_and_texts(text, **AGENCY) == []


def test_lookalike_domain_is_still_flagged():
    text = "Sent from kerry@notsevernvale.gov.uk yesterday."
    assert kinds_and_texts(text, **AGENCY) == [(EMAIL, "kerry@notsevernvale.gov.uk")]


@pytest.mark.parametrize(
    "written", ["0117 496 0123", "01174960123", "(0117) 496 0123", "+44 117 496 0123"]
)
def test_allowed_phone_is_compared_by_digits(written):
    assert kinds_and_texts(f"Call us on {written} today.", **AGENCY) == []


def test_other_phone_is_flagged_next_to_allowed_phone():
    text = "Call 0117 496 0123, not the carer on 0117 496 0777."
    assert kinds_and_texts(text, **AGENCY) == [(PHONE, "0117 496 0777")]


@pytest.mark.parametrize("written", ["BS1 6XN", "bs1 6xn", "BS16XN"])
def test_allowed_postcode_is_case_and_space_insensitive(written):
    assert kinds_and_texts(f"Visit us at {written} any weekday.", **AGENCY) == []


def test_other_postcode_is_flagged():
    assert kinds_and_texts("She lives at BS5 9QT.", **AGENCY) == [(POSTCODE, "BS5 9QT")]


# --------------------------------------------------------------------------------------------
# Individual kinds: a few positive and negative examples each
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Birth mother Kerry attended.", [(PERSON_NAME, "Kerry")]),
        ("Kerry, the birth mother, attended.", [(PERSON_NAME, "Kerry")]),
        ("Baby R. was discharged.", []),  # a single letter is how applications anonymise
        ("Child A moved once.", []),
        ("Ms T. Jones chaired.", [(PERSON_NAME, "T. Jones")]),
        ("Baby Boy Smith", [(PERSON_NAME, "Smith")]),
        ("adopters Sam and Priya Patel", [(PERSON_NAME, "Sam"), (PERSON_NAME, "Priya Patel")]),
        ("Tyler's birth mother", [(PERSON_NAME, "Tyler")]),
        ("a little boy named Oscar", [(PERSON_NAME, "Oscar")]),
        ("we placed her with Claire and Tom", [(PERSON_NAME, "Claire"), (PERSON_NAME, "Tom")]),
        ("her daughter May", [(PERSON_NAME, "May")]),
        ("Mr Justice Cobb", []),
        ("a scheme called Pathways", []),
        ("Baby Sensory Club", []),
        ("In Bristol, the foster carers met.", []),
        ("Subsequently, the birth mother agreed.", []),
        ("the Baby Steps programme", []),
        ("the Mother and Baby unit", []),
        ("our birth parents' Contact Centre", []),
        ("the Head of Service met the Court in Bristol", []),
    ],
)
def test_person_names(text, expected):
    assert kinds_and_texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("born on 3 March 2024", [(DATE_OF_BIRTH, "3 March 2024")]),
        ("date of birth: 12.01.2023", [(DATE_OF_BIRTH, "12.01.2023")]),
        ("D.O.B. 3/3/24", [(DATE_OF_BIRTH, "3/3/24")]),
        ("her first birthday on 3 March 2025", [(DATE_OF_BIRTH, "3 March 2025")]),
        ("in March 2024 our panel met", []),
        ("born at 34 weeks and placed on 5 March 2024", []),
        ("born in March 2024", []),
        ("our birthday picnic on 21 June 2025", []),
        ("babies born between 1 April 2023 and 31 March 2024", []),
        ("children born 1 April 2023 - 31 March 2024", []),
        ("gave birth on 04/04/2024", [(DATE_OF_BIRTH, "04/04/2024")]),
        ("Born: 2024-03-03.", [(DATE_OF_BIRTH, "2024-03-03")]),
    ],
)
def test_dates_of_birth(text, expected):
    assert kinds_and_texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07700 900123", [(PHONE, "07700 900123")]),
        ("+447700900123", [(PHONE, "+447700900123")]),
        ("0044 20 7946 0018", [(PHONE, "0044 20 7946 0018")]),
        ("(020) 7946 0018", [(PHONE, "(020) 7946 0018")]),
        ("between 2023-2024", []),
        ("12 to 18 months", []),
        ("from 0 to 5 years", []),
        ("01/04/2024", []),
    ],
)
def test_phones(text, expected):
    assert kinds_and_texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BS1 4DJ", [(POSTCODE, "BS1 4DJ")]),
        ("sw1a1aa", [(POSTCODE, "sw1a1aa")]),
        ("EC1A 1BB", [(POSTCODE, "EC1A 1BB")]),
        ("the BS1 area", []),
        ("Bs1 4dj", []),  # mixed case reads as prose
        ("w1 1st", []),
    ],
)
def test_postcodes(text, expected):
    assert kinds_and_texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ZW23C00123", [(CASE_REFERENCE, "ZW23C00123")]),
        ("case no. 4471/22", [(CASE_REFERENCE, "4471/22")]),
        ("Court reference: FD24-0091", [(CASE_REFERENCE, "FD24-0091")]),
        ("case number 2 showed", []),
        ("in case no one attends", []),
    ],
)
def test_case_references(text, expected):
    assert kinds_and_texts(text) == expected


# --------------------------------------------------------------------------------------------
# Shape of the result
# --------------------------------------------------------------------------------------------

BUSY_TEXT = (
    "Mrs Patel (DOB 03/03/1990, NHS 943 476 5919, NI AB 12 34 56 C) of BS5 9QT, "
    "tel 07700 900461, e-mail priya@example.com, case ZW23C00123, told birth mother Kerry "
    "that baby Jayden was born on 3 March 2024. They live at 14 Rowan Close and she attends "
    "Oakfield Primary."
)


def test_offsets_match_the_text():
    findings = find_identifiers(BUSY_TEXT)
    assert len(findings) == 13
    for finding in findings:
        assert BUSY_TEXT[finding.start : finding.end] == finding.text
    assert {finding.kind for finding in findings} == set(KINDS)


def test_findings_are_sorted_and_do_not_overlap():
    findings = find_identifiers(BUSY_TEXT)
    assert findings == sorted(findings, key=lambda finding: finding.start)
    for earlier, later in zip(findings, findings[1:], strict=False):
        assert earlier.end <= later.start


def test_overlap_keeps_the_longer_finding():
    # The NHS-shaped digits inside the international number belong to the phone number.
    assert kinds_and_texts("Call +44 117 496 0777 now.") == [(PHONE, "+44 117 496 0777")]


def test_labels():
    finding = Finding(NHS_NUMBER, 0, 10, "9434765919")
    assert finding.label == "NHS number"
    assert all(isinstance(label, str) and label for label in KINDS.values())


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text(text):
    assert find_identifiers(text) == []
