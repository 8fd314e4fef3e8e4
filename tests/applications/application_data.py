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
