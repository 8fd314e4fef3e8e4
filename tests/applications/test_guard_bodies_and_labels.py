"""The identifier guard's rules added after the fourth and fifth outsider corpora: each
one on sentences other than the corpora's, with the cases just past its edge.

Communities, institutions, firms and places are not people; a family named by its surname
is; a National Insurance number introduced as one is one whatever its prefix; a date of
birth after a label's dash, in a data export's field or as a month and year is one; a
vehicle registration in the current format identifies its keeper; references to authors
with their initials are citations; a staff member's first name after a family role is the
family member's, not the staff member's.
"""

from __future__ import annotations

import pytest

from applications.anonymisation import CASE_REFERENCE, DATE_OF_BIRTH, NI_NUMBER, find_identifiers

CLEAN = [
    # nationalities, ethnic groups, faiths and languages
    "Our carers come from Somali, Bangladeshi, Roma and Polish communities.",
    "We recruited three Muslim and two Sikh households this year.",
    "Interpreters in Tigrinya, Urdu and Romanian were booked for hearings.",
    # institutions and places that hold a name word
    "Manchester Metropolitan University runs our masterclass on concurrency.",
    "Students from Oxford Brookes University shadow the team each spring.",
    "The Moss Side Family Centre hosts our support group.",
    "The handbook is published by Kingsley Press.",
    "The Designated Family Judge for South Yorkshire opened the conference.",
    "Our partner, Devon Adoption Support, runs the buddy scheme.",
    "St Mark's Church lends us its hall for the carers' picnic.",
    # campaigns, events and tables
    "We shared #AdoptionWeek posts and the #FfA hashtag all week.",
    "The Winter Fair raised money for our life story work.",
    "Outcome\tMet\tPartly met\tNot met",
    "Mentor: Carers 4 & 5\tStatus: active",
    # labels and numbering instead of names
    "The birth parents (Couple 1) and the carers (Couple 2) met at the hospital.",
    "Aunt (paternal) was assessed and ruled out.",
    "The council's Virtual School advises every adopter on education.",
    # professionals, with long roles or accented names
    "Family support worker for the eastern patch, Harriet Lomas, visits weekly.",
    "Team manager Siobhán Ní Bhriain chairs the tracking meeting.",
    # authors with initials
    "Ward, H. and Brown, R. (2014) found that early decisions mattered.",
    "See Simmonds, J. (2019) on the birth parents' view.",
    # a service born of a pilot, a date range after a cue
    "The project was born out of a pilot that began on 3 June 2019.",
    "Babies born 1 April 2023 – 31 March 2024: 41.",
    # families whose surname is an everyday word are not guessed at
    "The Greens, the Lords and the Samaritans were consulted.",
    # the NI number's name, with no number
    "The NINO is two letters, six digits and a letter.",
    # firms, agencies, descriptions and papers
    "The carers' solicitor, Ms Ada Obi of Marsh & Fowler LLP, sent the form.",
    "Kestrel Vale Adoption, Wharf Chambers, Bristol, is our partner agency.",
    "White British and Mixed White and Black Caribbean children are counted apart.",
    "Jewish, Hindu, Christian and non-religious carers joined the panel.",
    "Decisions are recorded in ADM minutes dated 02/03/2024.",
    "Date of referral: 04/09/2022.",
    "Babies born in March 2023 were counted in the return.",
    "Our carers visited Florence and Vienna on respite breaks.",
    "Cafcass guardian Ms Eleni Pappas visited the carers.",
    # a capitalised word before a family's noun that the names data set lacks
    "The Pilot families and the Test case are described in Appendix 3.",
    "Details are in the Mosaic case record.",
]

# (sentence, identifier, kind or None for a name)
IDENTIFYING = [
    ("Our concern about the Hendersons' parenting was shared with Cafcass.", "Hendersons", None),
    ("The foster carers, the Okonkwos, kept a diary for the birth mother.", "Okonkwos", None),
    ("Mrs Church, the birth mother, attended every session.", "Church", None),
    ("Birth mother Kerry Temple came to family time.", "Kerry Temple", None),
    ("FOSTER CARERS: MR & MRS T. HALLIWELL", "HALLIWELL", None),
    ("Dad (kieran) did not attend the hearing.", "kieran", None),
    ("NINO: QQ 98 76 54 B", "QQ 98 76 54 B", NI_NUMBER),
    ("His NINO was given as QQ 11 22 33 A at the assessment.", "QQ 11 22 33 A", NI_NUMBER),
    ("Date of birth – 14 Jan 2024", "14 Jan 2024", DATE_OF_BIRTH),
    ("DOB — 03/05/2023", "03/05/2023", DATE_OF_BIRTH),
    ("The grandfather's car, KM21 XTP, was seen outside the carers' home.", "KM21 XTP", None),
    ("Dad drives a blue van (SN70 FGB).", "SN70 FGB", CASE_REFERENCE),
    ("The Harrison twins were placed together at four days old.", "Harrison", None),
    ("Panel met the Obi-Martins household on Tuesday.", "Obi-Martins", None),
    ("THE MCCANNS asked for letterbox contact.", "MCCANNS", None),
    ("The adopters' surname, Fletcher, was left on page 2.", "Fletcher", None),
    ("Child B (real name Tayla) was placed in June.", "Tayla", None),
    ("R.M. (birth father) did not attend the hearing.", "R.M.", None),
    ("Dad is 31 (born June 1993) and works nights.", "June 1993", DATE_OF_BIRTH),
    ("child_ref: [redacted], date_of_birth: 2024-01-07, plan: FfA", "2024-01-07", DATE_OF_BIRTH),
    ("He arrived at 30 weeks on 4 May 2024 and went home in June.", "4 May 2024", DATE_OF_BIRTH),
    ("Her Home Office reference (K4410923) is on the file.", "K4410923", CASE_REFERENCE),
    ("MARAC referral number MR-BS-2023-0091 was shared.", "MR-BS-2023-0091", CASE_REFERENCE),
]

STAFF = {"allowed_names": ["Owen Tregarthen", "Rhiannon Pugh"]}


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Baby Owen was born at 31 weeks.", True),
        ("Birth mother Rhiannon asked for photos.", True),
        ("Owen chaired the tracking meeting.", False),
        ("Our team manager, Rhiannon Pugh, signed the plan.", False),
    ],
)
def test_a_staff_first_name_after_a_family_role_is_the_family_member(sentence, found):
    assert bool(find_identifiers(sentence, **STAFF)) is found


@pytest.mark.parametrize("sentence", CLEAN)
def test_nothing_is_found_in_a_clean_sentence(sentence):
    assert find_identifiers(sentence) == []


@pytest.mark.parametrize(("sentence", "identifier", "kind"), IDENTIFYING)
def test_the_identifier_is_found(sentence, identifier, kind):
    start = sentence.index(identifier)
    end = start + len(identifier)
    overlapping = [f for f in find_identifiers(sentence) if f.start < end and start < f.end]
    assert overlapping, sentence
    if kind is not None:
        assert {f.kind for f in overlapping} == {kind}, overlapping


def test_a_vehicle_registration_is_labelled_as_a_reference_number():
    (finding,) = find_identifiers("Her car (BD68 TWU) was parked outside.")
    assert finding.label == "case, court or other reference number"
