"""Anonymisation guard for application narratives.

Applications for the Early Permanence Quality Mark must never identify children, adopters,
birth parents or other service users. ``find_identifiers`` scans free text for personal
identifiers and returns non-overlapping ``Finding`` objects, sorted by offset, so that a form
can warn the author (or a moderator) before anything is submitted.

The detectors are deliberately contextual: a capitalised word is only reported as a name when
something around it says it is a person (a title, "Baby", a family role, "named"/"called"),
and a date is only reported when it is introduced as a date of birth. The agency's own
published contact details are passed in through the ``allowed_*`` arguments and never
reported.

Pure Python with no Django imports, so it can run in forms, Celery tasks and tests alike.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

PERSON_NAME = "person_name"
DATE_OF_BIRTH = "date_of_birth"
NHS_NUMBER = "nhs_number"
NI_NUMBER = "ni_number"
POSTCODE = "postcode"
PHONE = "phone"
EMAIL = "email"
CASE_REFERENCE = "case_reference"

KINDS: dict[str, str] = {
    PERSON_NAME: "personal name",
    DATE_OF_BIRTH: "date of birth",
    NHS_NUMBER: "NHS number",
    NI_NUMBER: "National Insurance number",
    POSTCODE: "postcode",
    PHONE: "phone number",
    EMAIL: "e-mail address",
    CASE_REFERENCE: "case or court reference",
}

# When two findings cover the same amount of text, the earlier kind in this list wins.
_KIND_PRIORITY = [
    EMAIL,
    CASE_REFERENCE,
    NHS_NUMBER,
    NI_NUMBER,
    DATE_OF_BIRTH,
    POSTCODE,
    PHONE,
    PERSON_NAME,
]


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KINDS[self.kind]


# --------------------------------------------------------------------------------------------
# E-mail addresses
# --------------------------------------------------------------------------------------------

EMAIL_ADDRESS = re.compile(
    r"(?<![\w.%+-])"
    r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]*[A-Za-z0-9_%+-])?"
    r"@(?P<domain>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"(?![\w-])"
)


def _find_emails(
    text: str, allowed_emails: set[str], allowed_domains: set[str]
) -> Iterator[Finding]:
    for match in EMAIL_ADDRESS.finditer(text):
        address = match.group().lower()
        domain = match.group("domain").lower()
        if address in allowed_emails:
            continue
        if any(domain == allowed or domain.endswith("." + allowed) for allowed in allowed_domains):
            continue
        yield Finding(EMAIL, match.start(), match.end(), match.group())


# --------------------------------------------------------------------------------------------
# NHS numbers
# --------------------------------------------------------------------------------------------

# Ten digits, optionally grouped 3-3-4 with the same separator (space or dash) both times.
NHS_NUMBER_CANDIDATE = re.compile(r"(?<![\w.,/-])\d{3}(?P<sep>[ -]?)\d{3}(?P=sep)\d{4}(?![\w/-])")


def nhs_checksum_is_valid(digits: str) -> bool:
    """Modulus 11 check: weights 10..2 on the first nine digits give the tenth."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _find_nhs_numbers(text: str) -> Iterator[Finding]:
    for match in NHS_NUMBER_CANDIDATE.finditer(text):
        if nhs_checksum_is_valid(re.sub(r"\D", "", match.group())):
            yield Finding(NHS_NUMBER, match.start(), match.end(), match.group())


# --------------------------------------------------------------------------------------------
# National Insurance numbers
# --------------------------------------------------------------------------------------------

NI_NUMBER_CANDIDATE = re.compile(
    r"\b(?P<prefix>[A-Z]{2}) ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE
)
# Lower case is accepted only straight after a cue: "at 12 34 56 a" could be anything.
NI_CUE_BEFORE = re.compile(
    r"\b(?:NI|NINO|national[ ]+insurance)\b(?:[ ]+(?:number|no\.?))?(?:[ ]+(?:is|was))?[ :]*$",
    re.IGNORECASE,
)
NI_INVALID_FIRST_LETTERS = frozenset("DFIQUV")
NI_INVALID_SECOND_LETTERS = frozenset("DFIOQUV")
NI_INVALID_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def ni_prefix_is_valid(prefix: str) -> bool:
    prefix = prefix.upper()
    return (
        len(prefix) == 2
        and prefix[0] not in NI_INVALID_FIRST_LETTERS
        and prefix[1] not in NI_INVALID_SECOND_LETTERS
        and prefix not in NI_INVALID_PREFIXES
    )


def _find_ni_numbers(text: str) -> Iterator[Finding]:
    for match in NI_NUMBER_CANDIDATE.finditer(text):
        found = match.group()
        if not found.isupper():
            cued = NI_CUE_BEFORE.search(text, max(0, match.start() - 40), match.start())
            if not (found.islower() and cued):
                continue
        if ni_prefix_is_valid(match.group("prefix")):
            yield Finding(NI_NUMBER, match.start(), match.end(), match.group())


# --------------------------------------------------------------------------------------------
# Postcodes
# --------------------------------------------------------------------------------------------

# Full postcodes only (outward and inward code); an outward district like "BS1" is not personal.
FULL_POSTCODE = re.compile(
    r"\b(?P<outward>[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?(?P<inward>\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})


def _normalise_postcode(postcode: str) -> str:
    return re.sub(r"\s", "", postcode).upper()


def _find_postcodes(text: str, allowed_postcodes: set[str]) -> Iterator[Finding]:
    for match in FULL_POSTCODE.finditer(text):
        found = match.group()
        # Postcodes are written all upper or all lower case; mixed case is ordinary prose.
        if not (found.isupper() or found.islower()):
            continue
        if found.islower() and match.group("inward")[1:] in ORDINAL_SUFFIXES:
            continue
        if _normalise_postcode(found) in allowed_postcodes:
            continue
        yield Finding(POSTCODE, match.start(), match.end(), found)


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

# A run of digit groups starting with +44/0044 or a national 0 (optionally "(0117) ...").
# Each repetition needs a separator, so the pattern cannot backtrack explosively.
PHONE_CANDIDATE = re.compile(
    r"(?<![\w+(])"
    r"(?:(?P<international>(?:\+|\b00)44) ?(?:\(0\) ?)?|\(?(?=0))"
    r"(?P<body>\d+(?:(?:\) ?|[ -])\d+)*)"
)
DIGIT_RUN = re.compile(r"\d+")
UK_NATIONAL_NUMBER_LENGTHS = (10, 11)
UK_DIALLABLE_PREFIXES = frozenset("123578")  # 01, 02, 03, 05, 07, 08


def _national_phone_digits(digits: str) -> str:
    """Digits as dialled inside the UK: "+44 (0)117 ..." and "0117 ..." both give "0117..."."""
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and len(digits) > 11:
        digits = digits[2:]
    else:
        return digits
    return digits if digits.startswith("0") else "0" + digits


def _phone_end(match: re.Match[str]) -> int | None:
    """End offset of the longest leading digit groups that form a UK number, if any."""
    international = match.group("international") is not None
    runs = list(DIGIT_RUN.finditer(match.string, match.start("body"), match.end("body")))
    minimum_first_group = 2 if international else 3
    if len(runs[0].group()) < minimum_first_group:
        return None
    digits = "0" if international and not runs[0].group().startswith("0") else ""
    best_end = None
    for index, run in enumerate(runs):
        if index and len(run.group()) < 2:
            break
        digits += run.group()
        if len(digits) in UK_NATIONAL_NUMBER_LENGTHS:
            best_end = run.end()
        elif len(digits) > max(UK_NATIONAL_NUMBER_LENGTHS):
            break
    if best_end is None or digits[1] not in UK_DIALLABLE_PREFIXES:
        return None
    return best_end


def _find_phones(text: str, allowed_phones: set[str]) -> Iterator[Finding]:
    position = 0
    while match := PHONE_CANDIDATE.search(text, position):
        end = _phone_end(match)
        if end is None:
            position = match.end()
            continue
        position = end
        found = text[match.start() : end]
        if _national_phone_digits(re.sub(r"\D", "", found)) in allowed_phones:
            continue
        yield Finding(PHONE, match.start(), end, found)


# --------------------------------------------------------------------------------------------
# Case and court references
# --------------------------------------------------------------------------------------------

# Family court numbering: court code, year, case type, serial, e.g. "BS24C00456".
FAMILY_COURT_CASE_NUMBER = re.compile(r"\b[A-Z]{2}\d{2}[A-Z]\d{5}\b")
INTRODUCED_REFERENCE = re.compile(
    r"\b(?:"
    r"case[ ]+(?:number|no\.?|ref(?:erence)?\.?)"
    r"|court[ ]+(?:case[ ]+)?(?:number|no\.?|ref(?:erence)?\.?)"
    r"|LA[ ]+ref(?:erence)?\.?"
    r"|ref(?:erence)?\.?[ ]+(?:no\.?|number)"
    r")(?![A-Za-z])"
    r"[ ]*(?:is[ ]+|was[ ]+)?[:#]?[ ]*"
    r"(?P<code>[A-Za-z0-9](?:[A-Za-z0-9/-]*[A-Za-z0-9])?)",
    re.IGNORECASE,
)
MINIMUM_REFERENCE_LENGTH = 4  # "case number 2" is an enumeration, not a reference


def _find_case_references(text: str) -> Iterator[Finding]:
    for match in FAMILY_COURT_CASE_NUMBER.finditer(text):
        yield Finding(CASE_REFERENCE, match.start(), match.end(), match.group())
    for match in INTRODUCED_REFERENCE.finditer(text):
        code = match.group("code")
        if any(char.isdigit() for char in code) and len(code) >= MINIMUM_REFERENCE_LENGTH:
            yield Finding(CASE_REFERENCE, match.start("code"), match.end("code"), code)


# --------------------------------------------------------------------------------------------
# Dates of birth
# --------------------------------------------------------------------------------------------

_MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
ISO_DATE = re.compile(r"(?<![\w/.-])\d{4}-(?P<month>\d{2})-(?P<day>\d{2})(?![\w/-])")
NUMERIC_DATE = re.compile(
    r"(?<![\w/.-])(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?:\d{4}|\d{2})(?![\w/-]|\.\d)"
)
DAY_MONTH_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?[ ]+(?:of[ ]+)?{_MONTH}(?:,?[ ]+\d{{4}}\b)?",
    re.IGNORECASE,
)
MONTH_DAY_DATE = re.compile(
    rf"\b{_MONTH}[ ]+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?[ ]+\d{{4}}\b)?", re.IGNORECASE
)
BIRTH_CUE = re.compile(
    r"\b(?:born|birthday|date[ ]+of[ ]+birth|birth[ ]?date|D\.?O\.?B\b\.?"
    r"|(?:gave|given|giving)[ ]+birth)",
    re.IGNORECASE,
)
# Anything that starts a new clause between the cue and the date breaks the link:
# "born at 34 weeks and placed on 3 March 2024" gives a placement date, not a birth date.
# A single line break does not: text read from a document breaks lines inside sentences
# ("born on\n3 March 2024") and puts a table's label and value on lines of their own
# ("Date of birth\n12/01/2024"). A blank line, between paragraphs, does.
CLAUSE_BREAK = re.compile(
    r"[.!?;,]|\n[ \t\r]*\n"
    r"|\b(?:and|but|then|until|before|after|when|while|whilst|between|from|since"
    r"|during|within|placed|moved|matched|adopted|discharged|returned|joined)\b",
    re.IGNORECASE,
)
# "babies born 1 April 2023 - 31 March 2024" is a reporting period, not a birth date.
RANGE_AFTER_DATE = re.compile(r"[ ]*(?:-|–|—|to|until)[ ]*\d", re.IGNORECASE)
RANGE_BEFORE_DATE = re.compile(r"(?:-|–|—|\bto|\buntil)[ ]*$", re.IGNORECASE)
BIRTH_CUE_LOOKBACK = 60
# "her first birthday on 3 March" is a birth date, "our birthday picnic on 21 June" is not:
# after "birthday" the date must follow at once.
BIRTHDAY_GAP = re.compile(r"[ :-]*(?:(?:is|was|on|falls|fell)[ :]+)*", re.IGNORECASE)


def _dates(text: str) -> Iterator[re.Match[str]]:
    for pattern in (NUMERIC_DATE, ISO_DATE):
        for match in pattern.finditer(text):
            if 1 <= int(match.group("day")) <= 31 and 1 <= int(match.group("month")) <= 12:
                yield match
    yield from DAY_MONTH_DATE.finditer(text)
    yield from MONTH_DAY_DATE.finditer(text)


def _introduced_as_birth_date(text: str, date_start: int) -> bool:
    window_start = max(0, date_start - BIRTH_CUE_LOOKBACK)
    cues = list(BIRTH_CUE.finditer(text, window_start, date_start))
    if not cues:
        return False
    cue = cues[-1]
    between = text[cue.end() : date_start]
    if RANGE_BEFORE_DATE.search(between):
        return False
    if cue.group().lower() == "birthday":
        return BIRTHDAY_GAP.fullmatch(between) is not None
    return CLAUSE_BREAK.search(between) is None


def _find_dates_of_birth(text: str) -> Iterator[Finding]:
    for match in _dates(text):
        if RANGE_AFTER_DATE.match(text, match.end()):
            continue
        if _introduced_as_birth_date(text, match.start()):
            yield Finding(DATE_OF_BIRTH, match.start(), match.end(), match.group())


# --------------------------------------------------------------------------------------------
# Personal names
# --------------------------------------------------------------------------------------------

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_NAME_WORD = (
    rf"(?<![\w'’-])(?:Mc|Mac|O['’])?[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)*(?![\w])"
)
# A full name is up to three capitalised words: "Priya", "Jean Brooks", "Mary Ann Smith".
_NAME_SEQUENCE = rf"{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,2}}"
_NAME_LIST = rf"{_NAME_SEQUENCE}(?:(?:[ ]*,[ ]*|[ ]+(?:and|&)[ ]+){_NAME_SEQUENCE}){{0,5}}"
_INITIAL = r"(?<![\w'’])[A-HJ-Z](?![\w'’])"  # "I" is the pronoun far more often than an initial

NAME_WORD = re.compile(_NAME_WORD)
NAME_SEQUENCE = re.compile(_NAME_SEQUENCE)

_TITLE = r"(?:Mrs|Mr|Ms|Miss|Mx|Master|Dr)"
_ROLE_MODIFIER = (
    r"(?:birth|foster|adoptive|prospective|kinship|maternal|paternal|step|half|older|younger"
    r"|elder|eldest|youngest|twin|baby|little|new|biological|special)"
)
_ROLE_BASE = (
    r"(?:grandmother|grandfather|grandparent|grandma|grandad|granddad|grandpa|gran|nana|nan"
    r"|stepmother|stepfather|stepsister|stepbrother|mother|father|mummy|mum|daddy|dad|parent"
    r"|auntie|aunty|aunt|uncle|cousin|sister|brother|sibling|son|daughter|niece|nephew"
    r"|girlfriend|boyfriend|husband|wife|partner|child|baby|twin|girl|boy|toddler|infant"
    r"|newborn|carer|adopter|guardian)"
)
_ROLE = rf"(?i:(?:{_ROLE_MODIFIER}[ -]){{0,2}}(?:children|babies|{_ROLE_BASE}(?:e?s)?))"

TITLE_THEN_NAME = re.compile(
    rf"\b{_TITLE}\b\.?(?:[ ]+(?:and|&)[ ]+{_TITLE}\b\.?)?[ ]+"
    rf"(?P<names>(?:[A-Z]\.?[ ]+)?{_NAME_SEQUENCE}|{_INITIAL})"
)
# Hospitals record unnamed babies as "Baby Boy Smith" or "Baby Girl Smith".
BABY_THEN_NAME = re.compile(
    rf"\b[Bb]aby[ ]+(?:(?:Boy|Girl)[ ]+)?(?P<names>{_NAME_SEQUENCE}|{_INITIAL})"
)
# A form or table labels a value with a colon: "Birth mother: Kerry Smith", or the value on
# the next line.
_LABEL_COLON = r"[ ]*:[ ]*(?:\r?\n[ ]*)?"
ROLE_THEN_NAME = re.compile(
    rf"\b(?P<role>{_ROLE})(?![\w'’])(?:[ ]*,[ ]*|[ ]*\([ ]*|{_LABEL_COLON}|[ ]+)"
    rf"(?P<names>{_NAME_LIST})"
)
NAME_THEN_ROLE = re.compile(
    rf"(?P<names>{_NAME_SEQUENCE}(?:[ ]+(?:and|&)[ ]+{_NAME_SEQUENCE}){{0,3}})[ ]*[,(][ ]*"
    rf"(?:(?:the|a|an|his|her|their|our|{_NAME_WORD}['’]s)[ ]+)?"
    rf"(?:[a-z][\w'’-]*[ ]+){{0,2}}(?P<role>{_ROLE})(?![\w])"
)
NAME_POSSESSIVE_ROLE = re.compile(
    rf"(?P<names>{_NAME_SEQUENCE})['’]s[ ]+(?:[a-z][\w-]*[ ]+){{0,2}}(?P<role>{_ROLE})(?![\w])"
)
# Case studies say who a child went to: "we placed the baby with Claire and Tom".
PLACED_WITH_NAME = re.compile(rf"\bplaced[ ]+(?:[a-z]+[ ]+){{0,3}}?with[ ]+(?P<names>{_NAME_LIST})")
CALLED_THEN_NAME = re.compile(
    r"\b(?:"
    r"(?:named|called|(?:first[ ]+|middle[ ]+|full[ ]+|real[ ]+)?name(?:[ ]+(?:is|was)|[ ]*,))[ ]+"
    rf"|[Nn]ame{_LABEL_COLON}"
    rf")(?P<names>{_NAME_LIST})"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS = _words(
    """
    a an the this that these those our their his her its my your we they he she it i you
    in on at with for from to into by of and but or if when while whilst after before during
    since until as who which what where how why all both each every some any no not yes also
    then there here now once however initially subsequently additionally furthermore moreover
    meanwhile sadly unfortunately fortunately importantly crucially later earlier today
    yesterday recently previously finally first firstly secondly thirdly lastly overall
    together again instead therefore thus consequently similarly equally ultimately eventually
    currently following within throughout alongside although though because notably
    specifically separately likewise nevertheless nonetheless still already soon afterwards
    thereafter thankfully happily clearly sometimes often typically usually generally please
    dear thanks many most several few other others another such one two three four five six
    seven eight nine ten everyone everybody someone nobody everything nothing having being
    despite given including regarding about over under between across around near outside
    inside towards upon without via per so yet just only even indeed well like unlike whether
    against among beyond behind below above along except beside besides through toward onto
    whose whom staff
    """
)
# Capitalised words that are never a person's name in these narratives: family roles,
# services, bodies, practice terms, regions and days. Common surnames (Ward, Day, Banks, Law)
# are deliberately absent.
NOT_NAME_WORDS = _words(
    """
    mr mrs ms miss mx master dr
    mother mothers father fathers mum mums mummy dad dads daddy parent parents parenting birth
    baby babies child children son sons daughter daughters sister sisters brother brothers
    sibling siblings grandmother grandfather grandparent grandparents grandma grandad nan aunt
    auntie uncle cousin carer carers foster fostering fostered adopter adopters adoptive
    adoption adoptions adopt adopted guardian guardians guardianship special kinship family
    families boy boys girl girls twin twins infant infants newborn toddler partner partners
    husband wife

    agency agencies authority authorities council councils county city borough district
    regional national local voluntary service services support group groups team teams centre
    centres center unit units programme programmes program project projects panel panels court
    courts board committee network forum hub cafe café club scheme plan plans trust hospital
    hospitals clinic school schools nursery college university alliance collective
    nhs icb cafcass ofsted dfe barnardo barnardos coram corambaaf baaf tact pact caritas nspcc

    action protection care health social work worker workers practice practitioner
    practitioners manager managers head director officer judge judges justice magistrate
    magistrates legal solicitor solicitors barrister midwife midwives midwifery visitor visitors
    visiting nurse nurses doctor paediatrician paediatric neonatal maternity early permanence
    concurrent planning quality award awards standards standard framework guidance regulations
    act order orders policy procedure pathway pathways model approach training workshop course
    session sessions conference meeting review reviews assessment report reports record records
    form stage phase contact time life story letter letterbox direct indirect box book books
    steps step massage friendly loss awareness week weeks days month months year years matter
    matters home homes looked need arrangements virtual placement placements matching match
    recruitment preparation approval circuit royal infirmary chief executive deputy senior
    principal assistant annual sensory bonding attachment therapeutic therapy universal credit
    covid independent

    north south east west central northern southern eastern western midlands valley vale coast
    england english britain british uk wales welsh scotland scottish ireland irish thames severn
    monday tuesday wednesday thursday friday saturday sunday christmas easter new
    """
)
MONTH_NAMES = _words(
    "january february march april may june july august september october november december"
)
SEASONS = _words("spring summer autumn winter")
# Place names are also surnames and first names ("Devon", "Preston"), so this list only
# applies where the cue for a name is weak (a name before a role, "called X").
PLACE_NAMES = _words(
    """
    bristol bath somerset devon cornwall dorset wiltshire gloucestershire gloucester swindon
    plymouth exeter torbay bournemouth poole cheltenham taunton london birmingham manchester
    liverpool leeds sheffield newcastle sunderland gateshead durham york yorkshire lancashire
    cumbria kent surrey sussex essex hampshire berkshire oxford oxfordshire cambridge
    cambridgeshire norfolk suffolk norwich leicester leicestershire nottingham nottinghamshire
    derby derbyshire lincoln lincolnshire coventry warwickshire worcestershire worcester
    herefordshire hereford shropshire shrewsbury telford staffordshire stoke cheshire
    merseyside hull bradford wakefield doncaster rotherham barnsley stockport wigan bolton
    salford oldham rochdale tameside trafford wirral sefton knowsley brighton hove southampton
    portsmouth reading slough luton bedford milton keynes northampton northamptonshire
    peterborough ipswich colchester chelmsford medway croydon camden hackney islington lambeth
    southwark lewisham greenwich westminster ealing brent barnet enfield haringey newham tower
    hamlets wandsworth hillingdon hounslow harrow bromley bexley sutton merton kingston
    richmond havering redbridge waltham teesside middlesbrough stockton darlington hartlepool
    northumberland tyneside blackpool blackburn burnley preston lancaster carlisle wolverhampton
    walsall dudley sandwell solihull cardiff swansea town
    """
)
# Nouns that show a capitalised word is the name of a thing, not a person:
# "a scheme called Pathways", "Baby Massage sessions", "Baby Massage Group".
THING_NOUNS = _words(
    """
    programme programmes program group groups scheme project service services course courses
    tool app model approach framework session sessions class classes workshop workshops
    initiative network charity organisation organization team panel event training book film
    document template form meeting forum resource video podcast newsletter café cafe club hub
    pathway system policy platform database campaign centre unit leaflet pack toolkit guide
    week day fund award partnership agency website town village city area county borough
    street road ward hospital school nursery building office room house provider company
    software bank box trust call calls account page chat message messages post posts
    """
)
# Capitalised words that end the name of a programme or body: "Baby Sensory Club".
ORGANISATION_WORDS = _words(
    """
    group groups programme programmes program project service services team teams centre
    centres center unit units club clubs café cafe hub network scheme forum course courses
    session sessions class classes workshop workshops initiative partnership trust agency
    week clinic council board panel committee alliance collective
    """
)
PLACE_PREPOSITIONS = _words(
    "in at near across around within throughout outside inside into towards"
)
SENTENCE_OPENERS = frozenset(".!?:;\n\"“‘'(•*-–—")
# Adverbs such as "Subsequently," open sentences; "Sally" and "Emily" must stay names.
ADVERB_ENDINGS = tuple(
    _words("ally ently antly ously ively ately ingly fully edly ably ibly arly ctly stly ssly rtly")
)
MINIMUM_ADVERB_LENGTH = 7
LOOKBEHIND_CHARS = 100
WORD = re.compile(r"[\w'’]+")
NEXT_WORD = re.compile(r"[ ]+([\w'’]+)")
FOLLOWED_BY_NUMBER = re.compile(r"[ ]*\d")
SENTENCE_END = re.compile(r"[.!?;\n]")


def _is_function_word(word: str) -> bool:
    lower = word.lower()
    return lower in FUNCTION_WORDS or (
        len(lower) >= MINIMUM_ADVERB_LENGTH and lower.endswith(ADVERB_ENDINGS)
    )


def _is_not_a_name(text: str, word: re.Match[str], *, weak_cue: bool) -> bool:
    lower = word.group().lower()
    parts = lower.split("-")  # "Home-Start" is a charity, "Stacey-Leigh" a person
    if any(part in NOT_NAME_WORDS for part in parts) or _is_function_word(lower):
        return True
    if lower in MONTH_NAMES or lower in SEASONS:
        # "her daughter May" is a name; "the mother May 2024" is a date.
        return weak_cue or bool(FOLLOWED_BY_NUMBER.match(text, word.end()))
    return weak_cue and lower in PLACE_NAMES


def _text_before(text: str, position: int) -> str:
    """The stretch of text just before ``position`` (bounded, so long documents stay fast)."""
    return text[max(0, position - LOOKBEHIND_CHARS) : position]


def _at_sentence_start(text: str, position: int) -> bool:
    before = _text_before(text, position).rstrip(" \t")
    return not before or before[-1] in SENTENCE_OPENERS


def _previous_word(text: str, position: int) -> str:
    words = WORD.findall(_text_before(text, position))
    return words[-1].lower() if words else ""


def _next_word(text: str, position: int) -> str:
    match = NEXT_WORD.match(text, position)
    return match.group(1).lower() if match else ""


def _current_sentence_before(text: str, position: int) -> str:
    return SENTENCE_END.split(_text_before(text, position))[-1]


def _accept_name(text: str, start: int, end: int, *, weak_cue: bool) -> tuple[int, int] | None:
    """Trim a candidate name to the words that can be a name; None if nothing is left."""
    words = list(NAME_WORD.finditer(text, start, end))
    if not words:
        # A single initial, as in "Baby J" or "Mrs K".
        return (start, end) if re.fullmatch(_INITIAL, text[start:end]) else None
    if weak_cue:
        while words and _is_function_word(words[0].group()):
            words.pop(0)
    kept: list[re.Match[str]] = []
    for word in words:
        if _is_not_a_name(text, word, weak_cue=weak_cue):
            if word.group().lower() in ORGANISATION_WORDS:
                return None  # "Baby Sensory Club" names a programme, not a baby
            break
        kept.append(word)
    if not kept:
        return None
    # Keep a leading initial that belongs to the name: "Ms T. Jones".
    name_start = start if start < kept[0].start() and not weak_cue else kept[0].start()
    name_end = kept[-1].end()
    if _next_word(text, name_end) in THING_NOUNS:
        return None
    if weak_cue and _previous_word(text, name_start) in PLACE_PREPOSITIONS:
        return None
    return name_start, name_end


def _name_findings(
    text: str, match: re.Match[str], *, weak_cue: bool = False, single: bool = False
) -> Iterator[Finding]:
    """Findings for the ``names`` group: one name, or a list such as "Sam and Priya Patel"."""
    start, end = match.span("names")
    if single:
        spans = [(start, end)]
    else:
        spans = [item.span() for item in NAME_SEQUENCE.finditer(text, start, end)]
    for item_start, item_end in spans:
        accepted = _accept_name(text, item_start, item_end, weak_cue=weak_cue)
        if accepted is None:
            # "the adopters, Cafcass and the court": stop at the first non-name in a list.
            break
        yield Finding(PERSON_NAME, *accepted, text[accepted[0] : accepted[1]])


def _role_reads_as_title(text: str, role: re.Match[str]) -> bool:
    """A capitalised role mid-sentence is part of a proper noun ("our Birth Parent Service")."""
    word = role.group("role")
    if any(char.isupper() for char in word[1:]):
        return True
    return word[0].isupper() and not _at_sentence_start(text, role.start("role"))


def _names_after_titles(text: str) -> Iterator[Finding]:
    for match in TITLE_THEN_NAME.finditer(text):
        yield from _name_findings(text, match, single=True)


def _baby_names(text: str) -> Iterator[Finding]:
    for match in BABY_THEN_NAME.finditer(text):
        yield from _name_findings(text, match, single=True)


def _names_after_roles(text: str) -> Iterator[Finding]:
    for match in ROLE_THEN_NAME.finditer(text):
        if not _role_reads_as_title(text, match):
            yield from _name_findings(text, match)


def _names_with_weak_cues(text: str) -> Iterator[Finding]:
    for pattern in (NAME_THEN_ROLE, NAME_POSSESSIVE_ROLE, PLACED_WITH_NAME):
        for match in pattern.finditer(text):
            yield from _name_findings(text, match, weak_cue=True)


def _names_after_called(text: str) -> Iterator[Finding]:
    for match in CALLED_THEN_NAME.finditer(text):
        preceding = WORD.findall(_current_sentence_before(text, match.start()))
        if any(word.lower() in THING_NOUNS for word in preceding[-4:]):
            continue  # "a peer mentoring scheme called Pathways"
        yield from _name_findings(text, match, weak_cue=True)


def _find_person_names(text: str) -> Iterator[Finding]:
    yield from _names_after_titles(text)
    yield from _baby_names(text)
    yield from _names_after_roles(text)
    yield from _names_with_weak_cues(text)
    yield from _names_after_called(text)


# --------------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------------


def _resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the longer finding of any overlapping pair (ties go to the more specific kind)."""
    ranked = sorted(
        set(findings),
        key=lambda f: (-(f.end - f.start), _KIND_PRIORITY.index(f.kind), f.start),
    )
    kept: list[Finding] = []  # sorted by start, never overlapping
    kept_starts: list[int] = []
    for finding in ranked:
        index = bisect.bisect_left(kept_starts, finding.start)
        clashes_before = index > 0 and kept[index - 1].end > finding.start
        clashes_after = index < len(kept) and kept[index].start < finding.end
        if not (clashes_before or clashes_after):
            kept.insert(index, finding)
            kept_starts.insert(index, finding.start)
    return kept


def find_identifiers(
    text: str,
    *,
    allowed_emails: Iterable[str] = (),
    allowed_domains: Iterable[str] = (),
    allowed_phones: Iterable[str] = (),
    allowed_postcodes: Iterable[str] = (),
) -> list[Finding]:
    """Return the personal identifiers in ``text``, sorted by offset and non-overlapping.

    The ``allowed_*`` arguments carry the agency's own published contact details, which are
    never reported: e-mail addresses (case-insensitive), e-mail domains (and their
    subdomains), phone numbers (compared by digits, "+44" and "0" prefixes alike) and
    postcodes (compared ignoring case and spaces).
    """
    if not text:
        return []
    emails = {email.strip().lower() for email in allowed_emails if email.strip()}
    domains = {d.strip().lstrip("@.").lower() for d in allowed_domains if d.strip()}
    phones = {
        _national_phone_digits(re.sub(r"\D", "", phone))
        for phone in allowed_phones
        if re.search(r"\d", phone)
    }
    postcodes = {_normalise_postcode(p) for p in allowed_postcodes if p.strip()}

    detectors: list[Callable[[], Iterable[Finding]]] = [
        lambda: _find_emails(text, emails, domains),
        lambda: _find_case_references(text),
        lambda: _find_nhs_numbers(text),
        lambda: _find_ni_numbers(text),
        lambda: _find_dates_of_birth(text),
        lambda: _find_postcodes(text, postcodes),
        lambda: _find_phones(text, phones),
        lambda: _find_person_names(text),
    ]
    return _resolve_overlaps(finding for detect in detectors for finding in detect())
