"""The identifier guard on kinds of text its own corpora under-represent, written fresh for
each kind (initials with any date, indirect dates of birth, addresses without a number,
named nurseries, cued official numbers, social media, personal reference numbers, names
in unusual places), with clean sentences of the same shapes so precision is measured too.

A sentence with an identifier is caught when a finding overlaps it; a clean sentence with
any finding is a false alarm.
"""

from __future__ import annotations

import pytest

from applications.anonymisation import find_identifiers

MINIMUM = 0.90

# (kind, sentence, the identifier in it)
IDENTIFYING = [
    # 1. initials with any date
    ("initials", "J.K., placed 14 March 2023, remains with the carers.", "J.K."),
    ("initials", "TM placed on 02/05/2022 with foster to adopt carers.", "TM"),
    ("initials", "RB-S was matched on 9 January 2024 after a short wait.", "RB-S"),
    ("initials", "KO'N moved to her adopters on 1st June 2023.", "KO'N"),
    ("initials", "LP and DP were placed together on 3 March 2024.", "LP"),
    ("initials", "AC and LC (order made 12.11.2023) live with their adopters.", "AC"),
    ("initials", "MA/SA: referral received 04/09/2022.", "MA/SA"),
    ("initials", "EJ's adoption order was granted on 4th March 2024.", "EJ"),
    ("initials", "Initials: ZU. Date placed: 17/08/2023.", "ZU"),
    ("initials", "The youngest child (F.D.) was placed on 30 April 2022.", "F.D."),
    ("initials", "For case GH (placed 12/12/21) the plan is adoption.", "GH"),
    ("initials", "Hearing for BT listed 22 February 2024 at the family court.", "BT"),
    ("initials", "WQ, referred 5 May 2023, was matched within six weeks.", "WQ"),
    # 2. dates of birth signalled indirectly
    ("birth_date", "She turned one on 14 February 2024 with her carers.", "14 February 2024"),
    ("birth_date", "Baby boy (b. 08-08-2020) was later placed in early permanence.", "08-08-2020"),
    ("birth_date", "He arrived (prematurely) on 3rd January 2023 at 32 weeks.", "3rd January 2023"),
    ("birth_date", "The twins were born 11-10-2021 and stayed in hospital.", "11-10-2021"),
    ("birth_date", "She was delivered on 27.06.22 by emergency section.", "27.06.22"),
    ("birth_date", "Our little one was born in the early hours of 5 May 2023.", "5 May 2023"),
    ("birth_date", "He was born at the RVI on 19.02.2022.", "19.02.2022"),
    ("birth_date", "Her birth was on 01-12-2021, two weeks early.", "01-12-2021"),
    # 3. addresses without a house number
    ("address", "The family lived at Holly Farm, Moor Lane, Bramham.", "Holly Farm, Moor Lane"),
    ("address", "Contact took place at Rose Cottage, Back Lane, Tockwith.", "Rose Cottage"),
    ("address", "Mum now rents Ivy House, Church Road, Kirkby.", "Ivy House, Church Road"),
    ("address", "The carers' home, Oak Barn, Mill Lane, Ripley, has space.", "Oak Barn"),
    ("address", "Dad moved to Keeper's Lodge, Station Road, Haxby.", "Keeper's Lodge"),
    # 4. nurseries and schools with a child or parent
    ("school", "She attends Busy Bees, Morley, three days a week.", "Busy Bees, Morley"),
    ("school", "He goes to pre-school (Tiny Steps, Harehills) in the mornings.", "Tiny Steps"),
    ("school", "Mum takes him to Park View Children's Centre on Tuesdays.", "Park View"),
    ("school", "His sister started at Little Acorns Day Nursery in September.", "Little Acorns"),
    ("school", "Her son attends Kids Planet, Wetherby.", "Kids Planet"),
    # 5. national and official numbers with a cue
    ("national", "Birth mother's NI number is QQ 12 34 56 C.", "QQ 12 34 56 C"),
    ("national", "NHS no. 4857773456 was given at the hospital.", "4857773456"),
    ("national", "Child's NHS number: 1234567890.", "1234567890"),
    ("national", "Her passport number is 533401372.", "533401372"),
    ("national", "Dad's PESEL 85010112345 was on the Polish papers.", "85010112345"),
    ("national", "Mother's CNP: 2850101123456 (Romanian ID).", "2850101123456"),
    ("national", "Home Office reference B1234567 was quoted in the letter.", "B1234567"),
    ("national", "Passport no. 123456789 expires next year.", "123456789"),
    # 6. social media
    ("social", "Birth father posts as @tyrone_b_1990 on Instagram.", "@tyrone_b_1990"),
    ("social", "Snapchat username: kayz.x.luv", "kayz.x.luv"),
    ("social", "Photos were at instagram.com/jade.m.92 last week.", "instagram.com/jade.m.92"),
    ("social", "Mum is active on TikTok (@mummy2kai).", "@mummy2kai"),
    ("social", "Facebook profile name: Shaz Mcgowan Xx", "Shaz Mcgowan Xx"),
    ("social", "Her Facebook name is Kaz Lou.", "Kaz Lou"),
    # 7. personal reference numbers
    ("reference", "Dad's car, registration YK19 ABC, was seen outside contact.", "YK19 ABC"),
    ("reference", "Vehicle reg BD68 XYZ was reported to police.", "BD68 XYZ"),
    ("reference", "His prison number is A1234BC at HMP Leeds.", "A1234BC"),
    ("reference", "Hospital number: RR8 1234567 on the discharge letter.", "RR8 1234567"),
    ("reference", "Police reference 13/145678/22 relates to the incident.", "13/145678/22"),
    ("reference", "Probation CRN X123456 was shared.", "X123456"),
    ("reference", "DBS certificate number 001234567890 was checked.", "001234567890"),
    ("reference", "Universal Credit claim ref UC12345678 for mum.", "UC12345678"),
    ("reference", "Maternity unit number M0045678 is on the red book.", "M0045678"),
    # 8. names in unusual places
    ("name", "Little Jay settled well with his carers.", "Jay"),
    ("name", "Star has a memory box made by her foster carer.", "Star"),
    ("name", "We met dad (tyrone) at the family centre.", "tyrone"),
    ("name", "Letter addressed to MR AND MRS OKONKWO at home.", "OKONKWO"),
    ("name", "Baby Kai was born early.", "Kai"),
    ("name", "lil Mia loves the park.", "Mia"),
]

CLEAN = [
    "The FfA carers were approved on 3 March 2024.",
    "CP plan ended on 12/12/2023 after review.",
    "The ICO was notified on 4 May 2023.",
    "PLO meeting held on 2 February 2024.",
    "The LA agreed the plan on 1 June 2023.",
    "RAA panel sat on 14/03/2024 and VAA colleagues attended.",
    "ADM decision made on 9 January 2024.",
    "IRO review on 18 October 2023 confirmed the plan.",
    "NHS trust partnership since 1 April 2022.",
    "UK guidance updated on 5 September 2023.",
    "QA audit completed on 30/11/2023; KPI met.",
    "Recorder Hamid-Price made the order.",
    "Panel adviser Mrs Eilidh Ross-Mackenzie chaired the meeting.",
    "Our medical adviser, Dr Rajesh Iyer, reviewed every report.",
    "The legal adviser to panel, Ms Funmi Adebayo, attended.",
    "Postal returns: twelve of fifteen forms came back.",
    "We work with Home for Good on recruitment.",
    "Dickens, Masson and colleagues (2019) describe the same pattern.",
    "Patience is needed when children move.",
    "Max. capacity for training is twenty carers.",
    "Child | DOB | Date placed | Type",
    "Hope is what carers describe most often.",
    "Our nursery partners include several children's centres across the city.",
    "The NHS number field was added to our forms in 2023.",
    "Staff hold a passport to practice certificate.",
    "Follow us on Instagram for recruitment news.",
    "Our Facebook page reached 12,000 people in 2023.",
    "Registration for the training closes on 4 March 2024.",
    "Reference group met on 12 June 2023.",
    "The panel was born out of the 2019 review.",
    "Applications turned around within 20 working days in 2023.",
    "Moor Lane surgery hosts our drop-in sessions.",
    "The training was delivered at Park View Children's Centre by our staff.",
    "Little change was seen in referral numbers.",
    "Star ratings from carers averaged 4.6 out of 5.",
    "MR and MRS forms were replaced in 2022.",
    "The dad's group meets monthly.",
    "Prison visits are arranged by the family time team.",
    "Hospital discharge planning starts at 34 weeks.",
    "Police checks are requested for every applicant.",
]


def _caught(kind_text_identifier):
    _, text, identifier = kind_text_identifier
    start = text.index(identifier)
    end = start + len(identifier)
    return any(f.start < end and start < f.end for f in find_identifiers(text))


def figures() -> tuple[float, float, list[str], list[str]]:
    missed = [text for kind, text, ident in IDENTIFYING if not _caught((kind, text, ident))]
    alarms = [text for text in CLEAN if find_identifiers(text)]
    caught = len(IDENTIFYING) - len(missed)
    recall = caught / len(IDENTIFYING)
    precision = caught / (caught + len(alarms)) if caught + len(alarms) else 1.0
    return recall, precision, missed, alarms


def test_every_sentence_names_its_identifier():
    for _, text, identifier in IDENTIFYING:
        assert identifier in text


def test_generalisation_recall_and_precision():
    recall, precision, missed, alarms = figures()
    report = f"recall {recall:.2f}, precision {precision:.2f}\nmissed: {missed}\nalarms: {alarms}"
    print(report)
    assert recall >= MINIMUM and precision >= MINIMUM, report


@pytest.mark.parametrize("kind", sorted({kind for kind, _, _ in IDENTIFYING}))
def test_each_kind_is_mostly_caught(kind):
    rows = [row for row in IDENTIFYING if row[0] == kind]
    caught = sum(_caught(row) for row in rows)
    assert caught / len(rows) >= 0.8, (kind, caught, len(rows))
