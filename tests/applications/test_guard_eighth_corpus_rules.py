"""The identifier guard's rules added in session 15 from the eighth outsider corpus's misses
and false alarms, on sentences other than the corpus's, with the cases just past each edge.

Names with the letters of Polish, Czech and other Central European names (Latin
Extended-A: "Cieślak", "Woźniak", "Małgorzata") are found after a title, "Baby Girl" or a
family role, as names in Latin-1 letters were; a bank account or a social media account
"in the name of" someone, and a couple in capitals with initials ("MR J & MRS K LOFTHOUSE")
name them; Ombudsman, complaint and Adoption Support Fund references are a family's own; a
table pasted as comma-separated values under a heading row with a name or date-of-birth
column gives its rows away. A form printed in capitals has short words, not initials
("WITNESSED BY CAFCASS OFFICER ON 02/10/2024"); Christmas Eve is a day; Cumbria's districts
are places."""

from __future__ import annotations

import pytest

from applications.anonymisation import (
    CASE_REFERENCE,
    DATE_OF_BIRTH,
    PERSON_NAME,
)

from .guard_cases import assert_clean, assert_found

IDENTIFYING = [
    ("A travel warrant was issued to Mr Cieślak for the final hearing.", "Cieślak", PERSON_NAME),
    ("Court bundle index: Baby Boy Kołodziej – interim care order.", "Kołodziej", PERSON_NAME),
    ("Birth mother Małgorzata asked for the letters in Polish.", "Małgorzata", PERSON_NAME),
    ("Maternal aunt Zdeňka offered to be assessed as a carer.", "Zdeňka", PERSON_NAME),
    ("The allowance goes to an account in the name of Karen Whitlow.", "Karen Whitlow", None),
    ("Messages came from a profile in the name of “Leon Tasker”.", "Leon Tasker", None),
    ("PAYEE: MR D & MRS S HARGREAVES, 14 days in arrears.", "HARGREAVES", PERSON_NAME),
    ("Ombudsman reference 23 017 442 – the adopters' complaint.", "23 017 442", CASE_REFERENCE),
    ("Complaint ref CMP-2024-00931 was upheld in part.", "CMP-2024-00931", CASE_REFERENCE),
    ("ASF application ASF-23-204117 covered the therapy.", "ASF-23-204117", CASE_REFERENCE),
    ("Adoption Support Fund ref 7731904 approved.", "7731904", CASE_REFERENCE),
    ("id,forename,surname,dob\n4471,Tayla,Briggs,2022-06-03", "Tayla", PERSON_NAME),
    ("id,forename,surname,dob\n4471,Tayla,Briggs,2022-06-03", "2022-06-03", DATE_OF_BIRTH),
    (
        "Child's name, date of birth, placed on\nRiley Ames, 02/09/2023, 11/09/2023",
        "Riley Ames",
        None,
    ),
    # Initials before a date are still found in ordinary case.
    ("JB was placed with her carers on 14 March 2023.", "JB", PERSON_NAME),
    ("Her birth mother Eve came to every session.", "Eve", PERSON_NAME),
]

CLEAN = [
    # a form in capitals: its short words are words
    "CONSENT TO PLACEMENT FOR ADOPTION – SIGNED BY THE PARENT ON 02/10/2024",
    "DATE RECEIVED BY PANEL ADVISER: 14/11/2024",
    # holidays
    "The duty line is staffed until 4pm on Christmas Eve and on New Year's Eve.",
    "Cover: Christmas Eve and Boxing Day.",
    # an account, a programme or a fund named after something else
    "Payments in the name of the agency go out on the last Friday of the month.",
    "The complaint was upheld in 2024 and the Ombudsman's report was published.",
    "ASF applications rose to 212 in 2023-24.",
    # comma-separated figures and prose with commas
    "Local authority,Children considered,Placed\nCumberland,18,15\nWestmorland and Furness,12,10",
    "Mother, father, carers\nThe panel met, agreed, and left.",
    "Name,Role,Team\nBethan Rhys-Jones,Senior practitioner,EP team",
]


@pytest.mark.parametrize(("sentence", "identifier", "kind"), IDENTIFYING)
def test_the_identifier_is_found(sentence, identifier, kind):
    assert_found(sentence, identifier, kind)


@pytest.mark.parametrize("sentence", CLEAN)
def test_nothing_is_found_in_a_clean_sentence(sentence):
    assert_clean(sentence)
