"""Each concern of the protection app declares its registry contributions in its own module;
``jinguo.protection.contrib`` loads them all."""

PARTS = ("risk", "orders", "shelter", "followup", "screening")

# The order of the 反家暴与预警 menu, decided in one place so that the five concerns read as one
# menu in the order of the work: warnings first, then the person's risk and her follow-up,
# warnings and orders under the law, shelter and emergency, screening and public opinion,
# the anonymised statistics, and the instrument (configuration) last.
MENU_ORDER = {
    "protection:alert_list": 10,
    "protection:riskperson_list": 20,
    "protection:riskassessment_list": 21,
    "protection:visit_list": 30,
    "protection:plan_list": 31,
    "protection:protectionorder_list": 40,
    "protection:orderbreach_list": 41,
    "protection:policewarning_list": 42,
    "protection:warningvisit_list": 43,
    "protection:injuryrecord_list": 44,
    "protection:evidencebundle_list": 45,
    "protection:shelter_list": 50,
    "protection:shelterstay_list": 51,
    "protection:mandatoryreport_list": 52,
    "protection:screeningcampaign_list": 60,
    "protection:screeningreport_list": 61,
    "protection:disputeentry_list": 62,
    "protection:opinionitem_list": 63,
    "protection:violence_stats": 80,
    "protection:instrument_list": 90,
}


def menu_order(url_name: str) -> int:
    return MENU_ORDER[url_name]
