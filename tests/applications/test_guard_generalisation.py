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
    # Two further batches, written after the rules above to check they generalise.
    ("later", "ST (placed 3/4/2022) has settled well.", "ST"),
    ("later", "Child TR-K, order granted 15 July 2023, is thriving.", "TR-K"),
    ("later", "D.McK. was referred on 2 October 2022.", "D.McK."),
    ("later", "NB and JB, siblings, were placed on 11/11/2022.", "JB"),
    ("later", "Placement date for HO'D: 30 January 2024.", "HO'D"),
    ("later", "He celebrated his first birthday on 7th April 2024.", "7th April 2024"),
    ("later", "She came into the world on 22.03.2023.", "22.03.2023"),
    ("later", "baby (b.14/02/23) remained on the ward", "14/02/23"),
    ("later", "The family home is Meadow View Farm, Long Lane, Shelf.", "Meadow View Farm"),
    ("later", "Mum stays at Willow Cottage, Green Lane, Otley.", "Willow Cottage"),
    ("later", "His daughter goes to Bright Horizons, Headingley.", "Bright Horizons"),
    ("later", "She attends Sunshine Nursery in Pudsey.", "Sunshine Nursery"),
    ("later", "NI no. AB 12 34 56 C recorded for dad.", "AB 12 34 56 C"),
    ("later", "Her NHS number is 485 777 3456.", "485 777 3456"),
    ("later", "Passport: 987654321 (British).", "987654321"),
    ("later", "Dad's Instagram handle is @big_dave_88.", "@big_dave_88"),
    ("later", "Mum's TikTok: @kayleigh.xo", "@kayleigh.xo"),
    ("later", "Snapchat name: jonno2k", "jonno2k"),
    ("later", "The car (reg KX70 PLM) was seized.", "KX70 PLM"),
    ("later", "Prisoner number A9876ZZ, HMP Doncaster.", "A9876ZZ"),
    ("later", "Police ref: 0412345/23 for the assault.", "0412345/23"),
    ("later", "Her hospital number is K123456.", "K123456"),
    ("later", "little Ollie loves the swings.", "Ollie"),
    ("later", "MR AND MRS PATEL were approved.", "PATEL"),
    ("later", "brother (kian) visits monthly.", "kian"),
    ("later", "Sibling group: KB (placed 01.09.2021) and RB (placed 01.09.2021).", "KB"),
    ("later", "AJ was 4 days old at placement on 6 June 2022.", "AJ"),
    ("later", "Re: LT-M, final hearing 19/01/2024.", "LT-M"),
    ("later", "The case of O.P. (matched 2 August 2023) is described below.", "O.P."),
    ("later", "Her first birthday fell on 1 March 2024.", "1 March 2024"),
    ("later", "Arrived early on 09-09-2022 and spent a week in SCBU.", "09-09-2022"),
    ("later", "Date of delivery: 12/10/2021", "12/10/2021"),
    ("later", "They rent The Old Barn, Chapel Lane, Linton.", "The Old Barn"),
    ("later", "Grandma's address is Hill Top Farm, Moorside Road, Denholme.", "Hill Top Farm"),
    ("later", "Her little boy is at Little Stars, Seacroft.", "Little Stars"),
    ("later", "He attends First Steps Nursery, Bramley.", "First Steps"),
    ("later", "NINO: JK 55 44 33 B", "JK 55 44 33 B"),
    ("later", "Her Lithuanian personal code 48501011234 was on file.", "48501011234"),
    ("later", "Home Office ref: S1234567/002", "S1234567/002"),
    ("later", "Dad's facebook profile: Daz Hughes", "Daz Hughes"),
    ("later", "She messaged from @jess_luvs_u", "@jess_luvs_u"),
    ("later", "DBS certificate no. 001122334455 was seen.", "001122334455"),
    ("later", "CRN: B654321 (probation)", "B654321"),
    ("later", "The van, registration LN65 RTY, belonged to him.", "LN65 RTY"),
    ("later", "lil Tyler was born early.", "Tyler"),
    ("later", "uncle (darren) has offered respite.", "darren"),
    ("later", "Letter to MRS KOWALSKA returned.", "KOWALSKA"),
    ("later", "Blessing has a favourite blanket from hospital.", "Blessing"),
    ("later", "Child: HM, DOP 12/05/2023", "HM"),
    ("later", "Referral for CJ-W came in on 8th Feb 2023.", "CJ-W"),
    ("later", "Placement of E.R. on 21/03/2022 was agreed at panel.", "E.R."),
    ("later", "Cases: PK (order 10.10.2022), SL (order 01.02.2023).", "PK"),
    ("later", "Little one turned two on 3-3-2024.", "3-3-2024"),
    ("later", "DOB:14.07.21", "14.07.21"),
    ("later", "She was born prematurely; date of birth 02-02-2022.", "02-02-2022"),
    ("later", "Nan's place is Beck Cottage, Main Street, Addingham.", "Beck Cottage"),
    ("later", "The children's nursery is Happy Days, Rawdon.", "Happy Days"),
    ("later", "Her son is at Rainbow Pre-School, Yeadon.", "Rainbow Pre-School"),
    ("later", "Mother's National Insurance number: QQ123456C", "QQ123456C"),
    ("later", "NHS No: 9434765870", "9434765870"),
    ("later", "His Nigerian passport number A01234567 was retained.", "A01234567"),
    ("later", "Home Office ref no. K1234567", "K1234567"),
    ("later", "Mum's Insta is @lauren.p.x", "@lauren.p.x"),
    ("later", "Found on facebook.com/kerry.smith.5", "facebook.com/kerry.smith.5"),
    ("later", "Dad's Twitter handle: @dazza1987", "@dazza1987"),
    ("later", "Vehicle registration number: WR13 KLM", "WR13 KLM"),
    ("later", "Crime reference number 47/123456/23.", "47/123456/23"),
    ("later", "Maternity number 2234567 on the wristband.", "2234567"),
    ("later", "Baby Ruby-Mae was discharged home.", "Ruby-Mae"),
    ("later", "aunt (shanice) provides respite.", "shanice"),
    ("later", "MR AND MRS O'CONNOR attended.", "O'CONNOR"),
    ("reference", "Mum's tenancy reference HX44512 was given to the court.", "HX44512"),
    ("reference", "His client ID 88812 appears on the letter.", "88812"),
    ("reference", "Dad's housing benefit claim number is 7788123.", "7788123"),
    ("reference", "Her student number: 20231456.", "20231456"),
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
    "The IRO and the LA met on 3 June 2024.",
    "Our RAA approved 14 FfA households by 31 March 2024.",
    "Registration number 1093417 is our charity's.",
    "Farm visits were organised for carers in summer 2023.",
    "The panel's legal adviser, Mr Tomasz Wiśniewski, advised on the order.",
    "Professor Julie Selwyn-Barnes (2021) found similar results.",
    "Training for foster to adopt carers was held at the Children's Centre.",
    "Contact details: see our website.",
    "Little is known about outcomes for older children.",
    "We follow @OurAgencyAdopt on social media.",
    "Police and health colleagues joined the training on 5 March 2024.",
    "PLO letters issued in 2023: 41.",
    "Hospital staff completed 12 training sessions in 2023.",
    "Grace periods apply to renewals.",
    "Justice Williams gave judgment in 2022.",
    "KPI 3 was met in Q2 (1 July 2023 to 30 September 2023).",
    "The ADM decision on 4 April 2024 followed panel.",
    "Recorder Smith-Jones QC sat on 3 May 2023.",
    "Our independent panel member, Mrs Aoife Ní Bhriain, chairs.",
    "Manor House Lane is closed for roadworks.",
    "Busy periods: January and September.",
    "Children's centres in the north of the city host our groups.",
    "Vehicle access is via the rear car park.",
    "Reference group members: twelve carers.",
    "Delivered on 3 March 2024, the training reached 40 carers.",
    "Eden Project trip for adopters in 2023.",
    "Our prison liaison officer supports birth fathers.",
    "Brown and colleagues (2020) and Neil et al. (2018) were cited.",
    "Date | Event | Attendance",
    "Follow our TikTok for recruitment videos.",
    # Written after the rules, like the later identifying sentences.
    "See instagram.com/ouragencyadoption for stories.",
    "Our charity number 1093417 and company number 04512788.",
    "Ofsted number SC123456 applies to our agency.",
    "The NHS number is recorded on the child's health form.",
    "Passport applications for adopted children take 10 weeks.",
    "Panel date: 12/12/2023.",
    "Date of panel | 3 March 2024",
    "Consultant paediatrician Dr Chidi Okafor-Bello reviewed reports.",
    "Ms Siobhan O'Neill-Hart, agency decision maker, agreed.",
    "Kinship Care Week took place 2 October 2023.",
    "Faith in Families and Home for Good ran events.",
    "The RAA's Family Finding Team met 7 May 2024.",
    "Autumn term groups run from 4 September 2023.",
    "Grace and Hope are values in our Christian partner's name.",
    "Harvey, Bell and colleagues (2021) evaluated early permanence.",
    "Max. 8 families per group.",
    "Chair: Ms Kemi Adeyemi-Jones (independent).",
    "Cohort A | 2022 | 14 | 9",
    "We placed 23 children in 2023-24; 15 were under one.",
    "SW visits took place on 3 March 2024 and 10 March 2024.",
    "CAMHS consultation was offered from 1 April 2023.",
    "EHCP reviews were completed by 31/07/2023.",
    "SGO applications rose after 1 September 2022.",
    "The DSL attended training on 12.10.2023.",
    "CPD day held 14 February 2024 for all SSWs.",
    "Our BAAF forms were retired in March 2023.",
    "LAC reviews (Jan 2024) were all on time.",
    "MASH referrals: 212 between 1 April 2023 and 31 March 2024.",
    "Annual report approved by DCS on 6 June 2024.",
    "AA Act 2002 section 22 applies; see also ACA 1989.",
    "Panel minutes (PM) circulated 3/3/2024.",
    "TV and radio adverts ran from 2 January 2024.",
    "Q3 figures, published 15 January 2024, show growth.",
    "PDF version uploaded on 4 March 2024.",
    "Our EP lead joined on 1 May 2022.",
    "Follow-up survey (Sept 2023) had 40 replies.",
    "Version 2.1 of the policy dated 01/02/2024 applies.",
    "OK, the plan was signed off on 2 April 2024.",
    "CEO sign-off: 5 March 2024.",
    "Little Acorns training was delivered to staff on 2 May 2024.",
    "We hosted the event at Oak Lodge, Station Road, for our carers' training.",
    "Find us on Facebook at our agency page.",
    "Busy Bees is one of our corporate partners.",
    "Maternity services and hospital staff attended a workshop in June 2023.",
    "Registration opens 3 January 2024 for the training.",
    "Reference: Adoption Agencies Regulations 2005, reg 25.",
    "Contact with birth family took place at the family centre on 3 March 2024.",
    "Mr and Mrs forms are no longer used.",
    "The IRO (independent reviewing officer) chaired on 4/4/2024.",
    "Our charity's number 1093417 is on the letterhead.",
    "Their reference number will follow in 2024.",
    "Her number of contacts rose to 12 in 2023.",
    "Their ID badges were renewed in March 2024.",
    "His number one priority is stability.",
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
