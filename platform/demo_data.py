"""The demo data set, as data only; ``demo.py`` loads it through the services.

Two kinds of records live here:

* ``PRIZE_2023_ORGANIZATIONS`` / ``PRIZE_2023_AWARDS``: the 2023 Seoul Smart City Prize winners
  named in the public announcement. They are real bodies, so they carry only what that
  announcement says: name, country, the project or the laureate, the technologies it names,
  and nothing invented (no population, stage, website, languages or sectors). The
  announcement does not say in which category Odense and Wellington won, so their awards
  have no category ("not stated"). They are loaded as public record (``public_source``), not
  as demo data, and ``remove-demo`` leaves them.
* everything else: invented organisations, people and a join request. Every invented name ends
  in "(demo)" and every invented description starts with "Demo data:", so nobody mistakes
  them for real bodies; no real company is named.

The invented rows are flagged ``is_demo`` when loaded, so ``remove-demo`` removes all of them.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class OrgSpec(TypedDict):
    """Keyword arguments of ``members.schemas.OrganizationInput``."""

    kind: str
    name: str
    country: str
    region: str
    description: str
    languages: NotRequired[list[str]]
    sectors: NotRequired[list[str]]
    technologies: NotRequired[list[str]]
    challenges: NotRequired[list[str]]
    development_stage: NotRequired[int]
    population: NotRequired[int]
    size: NotRequired[str]


class AwardSpec(TypedDict):
    """``organization`` (an org name from this module) plus ``AwardInput`` fields."""

    organization: str
    year: int
    category: str | None  # None: the source does not state it
    project_title: NotRequired[str]
    laureate_name: NotRequired[str]
    partner: NotRequired[str]


class PersonSpec(TypedDict):
    email: str
    name: str
    job_title: str
    role: str  # shown in DEMO_ACCOUNTS (README)
    organization: NotRequired[str]  # an org name from this module; none for the official
    org_role: NotRequired[str]  # "admin" | "member"
    is_official: NotRequired[bool]


# Shared by every demo account. It meets the password policy (12+ characters, not in the
# blocklist) and is published in the README, which is why demo accounts are refused in
# production (accounts.services.assert_no_demo_accounts).
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - public by design, development only

_ANNOUNCED = "From the public announcement of the 2023 Seoul Smart City Prize winners: "
# The key of members.labels.PUBLIC_SOURCE_LABELS the real winners are stored with.
PRIZE_2023_SOURCE = "prize_2023_announcement"

# ---- the 2023 winners (seed facts only) ------------------------------------------------------

ODENSE = "Odense"
WELLINGTON = "Wellington"
DHAKA_SOUTH = "Dhaka South City Corporation"
KONYA = "Konya"
KAOHSIUNG = "Kaohsiung"
ABU_DHABI = "Abu Dhabi"
MADINAH = "Madinah"

LEAP_TITLE = "LEAP (Leadership, Empowerment and Advocacy for the People) digital platform"
WELLINGTON_TITLE = "Wellington Climate Change Adaptation Digital Twin"
SPECIAL_MENTION_PARTNER = "GGGI and IMD"
# Project prizes need a title; the announcement names none for the Special Mentions.
SPECIAL_MENTION_TITLE = ""  # the announcement names no project for the Special Mentions

PRIZE_2023_ORGANIZATIONS: list[OrgSpec] = [
    {
        "kind": "city",
        "name": ODENSE,
        "country": "DK",
        "region": "europe",
        "technologies": ["digital platform", "online questionnaires"],
        "description": _ANNOUNCED
        + "the Danish city won a 2023 prize for its LEAP (Leadership, Empowerment and Advocacy "
        "for the People) digital platform, which uses online questionnaires and public meetings "
        "to raise welfare.",
    },
    {
        "kind": "city",
        "name": WELLINGTON,
        "country": "NZ",
        "region": "oceania",
        "technologies": ["digital twin"],
        "description": _ANNOUNCED
        + "the New Zealand city won a 2023 prize for the Wellington Climate Change Adaptation "
        "Digital Twin.",
    },
    {
        "kind": "city",
        "name": DHAKA_SOUTH,
        "country": "BD",
        "region": "asia",
        "description": _ANNOUNCED
        + "its Mayor, Sheikh Fazle Noor Taposh, shared the 2023 Leadership Prize for his "
        "contributions to the advancement and wellbeing of residents.",
    },
    {
        "kind": "city",
        "name": KONYA,
        "country": "TR",
        # Turkey lies in Western Asia (UN M49), which this platform's regions call Middle East.
        "region": "middle_east",
        "technologies": ["smart city applications"],
        "description": _ANNOUNCED
        + "its Mayor, Uğur İbrahim Altay, shared the 2023 Leadership Prize for putting nearly "
        "200 smart city applications into service to improve quality of life and the "
        "efficiency of services.",
    },
    {
        "kind": "city",
        "name": KAOHSIUNG,
        "country": "TW",
        "region": "asia",
        "description": _ANNOUNCED
        + "the city received a 2023 Special Mention, awarded together with the Global Green Growth "
        "Institute (GGGI) and the International Institute for Management Development (IMD).",
    },
    {
        "kind": "city",
        "name": ABU_DHABI,
        "country": "AE",
        "region": "middle_east",
        "description": _ANNOUNCED
        + "the city received a 2023 Special Mention, awarded together with the Global Green Growth "
        "Institute (GGGI) and the International Institute for Management Development (IMD).",
    },
    {
        "kind": "city",
        "name": MADINAH,
        "country": "SA",
        "region": "middle_east",
        "description": _ANNOUNCED
        + "the city received a 2023 Special Mention, awarded together with the Global Green Growth "
        "Institute (GGGI) and the International Institute for Management Development (IMD).",
    },
]

PRIZE_2023_AWARDS: list[AwardSpec] = [
    # The announcement names Odense's and Wellington's projects but not their category.
    {
        "organization": ODENSE,
        "year": 2023,
        "category": None,
        "project_title": LEAP_TITLE,
    },
    {
        "organization": WELLINGTON,
        "year": 2023,
        "category": None,
        "project_title": WELLINGTON_TITLE,
    },
    {
        "organization": DHAKA_SOUTH,
        "year": 2023,
        "category": "leadership",
        "laureate_name": "Sheikh Fazle Noor Taposh",
    },
    {
        "organization": KONYA,
        "year": 2023,
        "category": "leadership",
        "laureate_name": "Uğur İbrahim Altay",
    },
    *(
        {
            "organization": city,
            "year": 2023,
            "category": "special_mention",
            "project_title": SPECIAL_MENTION_TITLE,
            "partner": SPECIAL_MENTION_PARTNER,
        }
        for city in (KAOHSIUNG, ABU_DHABI, MADINAH)
    ),
]

# ---- invented organisations ------------------------------------------------------------------

DEMO_CITY = "Lindholm Bay (demo)"  # the Odense-like demo city with an org admin
DEMO_COMPANY = "Harbourline Mobility (demo)"
DEMO_INSTITUTION = "Institute for Inclusive Cities (demo)"
PENDING_COMPANY = "Lumen Crosswalk Robotics (demo)"


def _city(
    name: str,
    country: str,
    region: str,
    languages: list[str],
    stage: int,
    population: int,
    sectors: list[str],
    challenges: list[str],
    about: str,
) -> OrgSpec:
    return {
        "kind": "city",
        "name": name,
        "country": country,
        "region": region,
        "languages": languages,
        "development_stage": stage,
        "population": population,
        "sectors": sectors,
        "challenges": challenges,
        "description": "Demo data: an invented city. " + about,
    }


def _company(
    name: str,
    country: str,
    region: str,
    languages: list[str],
    size: str,
    sectors: list[str],
    technologies: list[str],
    about: str,
) -> OrgSpec:
    return {
        "kind": "company",
        "name": name,
        "country": country,
        "region": region,
        "languages": languages,
        "size": size,
        "sectors": sectors,
        "technologies": technologies,
        "description": "Demo data: an invented company. " + about,
    }


def _institution(
    name: str,
    country: str,
    region: str,
    languages: list[str],
    sectors: list[str],
    technologies: list[str],
    about: str,
) -> OrgSpec:
    return {
        "kind": "institution",
        "name": name,
        "country": country,
        "region": region,
        "languages": languages,
        "sectors": sectors,
        "technologies": technologies,
        "description": "Demo data: an invented institution. " + about,
    }


DEMO_ORGANIZATIONS: list[OrgSpec] = [
    # -- cities (development stage 1 = first pilots ... 5 = city-wide, data-driven operations)
    _city(DEMO_CITY, "DK", "europe", ["da", "en"], 4, 182_000, ["welfare", "governance"],
          ["older residents left out of online services", "low turnout at neighbourhood meetings"],
          "A harbour town that runs citizen panels online and in libraries, and wants help "
          "reaching residents who never fill in a web form."),
    _city("Porto Serrano (demo)", "BR", "latin_america", ["pt"], 3, 1_240_000,
          ["mobility", "safety"],
          ["bus congestion at peak hours", "landslides on hillside settlements"],
          "A hilly port city testing rain-triggered alerts and real-time bus information."),
    _city("Kivuli Heights (demo)", "KE", "africa", ["sw", "en"], 2, 640_000,
          ["energy", "welfare"],
          ["unreliable power in informal settlements", "few public services available online"],
          "A fast-growing city looking for partners on community solar and mobile services."),
    _city("Nahr al-Ward (demo)", "JO", "middle_east", ["ar", "en"], 3, 870_000,
          ["environment", "energy"], ["water scarcity", "summer heat stress"],
          "Meters a share of its water network and plans heat maps for vulnerable districts."),
    _city("Maple Ridge Falls (demo)", "CA", "north_america", ["en", "fr"], 5, 410_000,
          ["governance", "culture"],
          ["keeping open data useful to non-experts", "bilingual service parity"],
          "Publishes most of its service data openly and runs a bilingual civic lab."),
    _city("Tamarind Coast (demo)", "FJ", "oceania", ["en", "fj"], 1, 58_000,
          ["environment", "safety"], ["coastal erosion", "cyclone warnings that miss villages"],
          "A small coastal town preparing its first early-warning pilot."),
    _city("Hanbit City (demo)", "KR", "asia", ["ko", "en"], 5, 960_000,
          ["mobility", "energy", "governance"],
          ["last-mile transport for older residents", "peak electricity demand"],
          "Operates an integrated operations centre and shares its mobility data through APIs."),
    _city("Valle Dorado (demo)", "MX", "latin_america", ["es"], 2, 350_000,
          ["safety", "culture"], ["poorly lit public spaces", "few venues for young people"],
          "Maps street lighting with residents and reopens plazas for evening culture."),
    _city("Sahel Gate (demo)", "SN", "africa", ["fr", "wo"], 1, 210_000,
          ["welfare", "governance"],
          ["civil registration backlog", "low mobile internet coverage"],
          "Starting out: wants to digitise birth registration with offline-first tools."),
    _city("Sarnowo Vale (demo)", "PL", "europe", ["pl", "en"], 3, 290_000,
          ["energy", "environment"], ["coal heating in older housing", "winter smog"],
          "Subsidises heat pumps and publishes air-quality readings street by street."),
    _city("Song Xanh City (demo)", "VN", "asia", ["vi", "en"], 2, 1_500_000,
          ["mobility", "environment"], ["motorbike congestion", "river flooding"],
          "Pilots flood sensors along its river and a single ticket for buses and ferries."),
    _city("Wadi Sahar (demo)", "OM", "middle_east", ["ar", "en"], 4, 300_000,
          ["mobility", "culture"], ["car dependence", "heritage sites hard to reach"],
          "Links its old town to new districts with shaded routes and on-demand minibuses."),
    _city("Cedar Hollow (demo)", "US", "north_america", ["en", "es"], 4, 520_000,
          ["safety", "welfare"], ["slow emergency response in outer suburbs", "food deserts"],
          "Uses a bilingual 311 service and shares response-time data with neighbourhoods."),
    _city("Banksia Shores (demo)", "AU", "oceania", ["en"], 5, 230_000,
          ["energy", "mobility"], ["bushfire smoke days", "grid strain from air conditioning"],
          "Runs a virtual power plant of home batteries and electric community buses."),
    _city("Andes Terraza (demo)", "PE", "latin_america", ["es", "qu"], 2, 780_000,
          ["governance", "welfare"],
          ["services not offered in Quechua", "informal housing outside records"],
          "Building a bilingual Spanish-Quechua service portal with community centres."),
    _city("Ikemba Crossing (demo)", "NG", "africa", ["en", "yo"], 3, 2_100_000,
          ["mobility", "safety"], ["minibus traffic at the river crossing", "road crashes"],
          "Collects minibus GPS traces to plan stops and tame its busiest junction."),
    # -- companies
    _company(DEMO_COMPANY, "GB", "europe", ["en"], "sme", ["mobility"],
             ["demand-responsive transport", "route optimisation", "open data apis"],
             "Plans and runs on-demand minibus services for towns and rural districts."),
    _company("Brightgrid Analytics (demo)", "IN", "asia", ["en", "hi"], "startup", ["energy"],
             ["smart meters", "machine learning", "load forecasting"],
             "Forecasts neighbourhood electricity demand from smart-meter data."),
    _company("Sentinela Urbana (demo)", "BR", "latin_america", ["pt", "es"], "sme", ["safety"],
             ["computer vision", "incident reporting app", "privacy by design"],
             "Helps cities triage street incidents reported by residents, blurring faces first."),
    _company("Tidewater Sensors (demo)", "US", "north_america", ["en"], "startup",
             ["environment"], ["iot sensors", "flood monitoring", "lorawan"],
             "Low-cost water-level sensors for storm drains and tidal streets."),
    _company("Southern Cross Civic Tech (demo)", "AU", "oceania", ["en"], "startup",
             ["governance"], ["participatory budgeting", "open source", "accessibility"],
             "Open-source tools for participatory budgeting and council consultations."),
    _company("Atlas Solar Networks (demo)", "MA", "africa", ["ar", "fr"], "sme",
             ["energy"], ["solar microgrids", "battery storage", "pay-as-you-go"],
             "Builds and operates solar microgrids for markets and clinics."),
    _company("Hanul Digital Twin Works (demo)", "KR", "asia", ["ko", "en"], "large",
             ["environment", "mobility"], ["digital twin", "3d city modelling", "gis"],
             "City-scale 3D models for heat, wind and traffic simulation."),
    _company("Falaj Water Analytics (demo)", "AE", "middle_east", ["ar", "en"], "sme",
             ["environment", "energy"], ["leak detection", "smart water meters"],
             "Finds leaks in water networks from pressure and meter data."),
    _company("Plaza Viva Media (demo)", "ES", "europe", ["es", "ca", "en"], "startup",
             ["culture"], ["augmented reality", "accessible audio guides"],
             "Audio-described and sign-language city trails for museums and old towns."),
    _company("Northstar Public Safety Systems (demo)", "CA", "north_america", ["en", "fr"],
             "large", ["safety", "mobility"], ["emergency dispatch", "5g", "video analytics"],
             "Dispatch and traffic-signal priority systems for emergency services."),
    _company("CareLink Homes (demo)", "JP", "asia", ["ja", "en"], "sme", ["welfare"],
             ["fall detection", "telecare", "voice assistants"],
             "Non-camera sensors that let older people live at home safely."),
    _company("Mosaico Gov Solutions (demo)", "CL", "latin_america", ["es"], "sme",
             ["governance"], ["digital identity", "e-services", "chatbots"],
             "Moves municipal paperwork online with plain-language forms and a chat assistant."),
    _company("Savanna Civic Pay (demo)", "GH", "africa", ["en"], "startup",
             ["governance", "welfare"], ["mobile payments", "ussd services"],
             "Lets residents pay local fees and receive benefits on basic phones."),
    _company("Eurocity Systems Group (demo)", "DE", "europe", ["de", "en", "fr"], "large",
             ["energy", "mobility", "governance"],
             ["urban data platform", "ev charging management", "cloud"],
             "Urban data platforms and charging networks for mid-sized European cities."),
    _company("Pacifica Drone Survey (demo)", "NZ", "oceania", ["en", "mi"], "startup",
             ["environment", "safety"], ["drones", "lidar"],
             "Drone and lidar surveys of coastlines and slopes after storms."),
    # -- institutions
    _institution(DEMO_INSTITUTION, "NL", "europe", ["nl", "en"], ["welfare", "governance"],
                 ["accessibility audits", "co-design"],
                 "A research institute that audits public digital services for accessibility."),
    _institution("Great Lakes Urban Data Lab (demo)", "RW", "africa", ["rw", "en", "fr"],
                 ["governance", "mobility"], ["open data", "data literacy"],
                 "Trains city staff in the region to publish and use open data."),
    _institution("Gulf Centre for Urban Climate (demo)", "KW", "middle_east", ["ar", "en"],
                 ["environment", "energy"], ["heat mapping", "building energy modelling"],
                 "Studies heat in desert cities and advises on cooling and building codes."),
    _institution("Andean Mobility Observatory (demo)", "CO", "latin_america", ["es"],
                 ["mobility", "safety"], ["road safety analytics", "cable cars"],
                 "A university observatory tracking how people move in Andean cities."),
    _institution("Civic Innovation Alliance of the Prairies (demo)", "US", "north_america",
                 ["en"], ["governance", "culture"], ["civic tech", "public libraries"],
                 "A non-profit alliance of libraries and councils running civic-tech meetups."),
    _institution("Pacific Islands Resilience Network (demo)", "WS", "oceania", ["en", "sm"],
                 ["environment", "safety"], ["early warning systems", "satellite data"],
                 "A network of island governments sharing early-warning practice."),
    _institution("Asia Digital Inclusion Foundation (demo)", "SG", "asia",
                 ["en", "zh", "ms", "ta"], ["welfare", "culture"],
                 ["digital skills training", "assistive technology"],
                 "A foundation that trains volunteers to help seniors use public e-services."),
    _institution("Mediterranean Heritage Tech Centre (demo)", "IT", "europe", ["it", "en"],
                 ["culture"], ["3d scanning", "virtual museums"],
                 "A university centre that digitises heritage sites for remote visitors."),
    _institution("Steppe Smart Governance Academy (demo)", "KZ", "asia", ["kk", "ru", "en"],
                 ["governance"], ["e-government", "training"],
                 "Runs courses on digital public services for municipal officials."),
]  # fmt: skip

# The company that has applied to join and waits for an official (created through
# onboarding.services.apply_to_join, so it is pending like any real application).
PENDING_APPLICATION: OrgSpec = _company(
    PENDING_COMPANY,
    "FI",
    "europe",
    ["fi", "sv", "en"],
    "startup",
    ["safety", "mobility"],
    ["pedestrian detection", "edge computing"],
    "Builds crossing signals that give slower pedestrians more time.",
)
PENDING_MOTIVATION = (
    "Demo data: we would like to meet cities that want to pilot safer pedestrian crossings."
)


def _award_2024(organization: str, category: str, title: str) -> AwardSpec:
    # Invented project titles say so, since awards themselves carry no demo flag.
    return {
        "organization": organization,
        "year": 2024,
        "category": category,
        "project_title": f"{title} (demo project)",
    }


DEMO_AWARDS: list[AwardSpec] = [
    _award_2024("Hanbit City (demo)", "tech_innovacity", "Open Mobility Data Hub"),
    _award_2024("Porto Serrano (demo)", "tech_innovacity", "Hillside Rain Alert Mesh"),
    _award_2024(
        "Hanul Digital Twin Works (demo)", "tech_innovacity", "Heatwave Twin for Dense Districts"
    ),
    _award_2024(DEMO_CITY, "human_centricity", "Library Voice Kiosks for Older Residents"),
    _award_2024("Kivuli Heights (demo)", "human_centricity", "Community Energy Help Desks"),
    _award_2024(
        "CareLink Homes (demo)", "human_centricity", "Quiet Sensors for Independent Living"
    ),
    _award_2024(
        "Asia Digital Inclusion Foundation (demo)",
        "human_centricity",
        "Digital Buddies for Seniors",
    ),
]

# ---- invented people ---------------------------------------------------------------------------

DEMO_PEOPLE: list[PersonSpec] = [
    {
        "email": "official@demo.seoul.example",
        "name": "Seo-yeon Park (demo)",
        "job_title": "Smart City Policy Officer",
        "role": "Seoul official (creates organisations, records awards, vets join requests)",
        "is_official": True,
    },
    {
        "email": "city-admin@demo.seoul.example",
        "name": "Freja Holm (demo)",
        "job_title": "Head of Digital Participation",
        "role": f"organisation admin of the city {DEMO_CITY}",
        "organization": DEMO_CITY,
        "org_role": "admin",
    },
    {
        "email": "company-admin@demo.seoul.example",
        "name": "Oliver Pennant (demo)",
        "job_title": "Managing Director",
        "role": f"organisation admin of the company {DEMO_COMPANY}",
        "organization": DEMO_COMPANY,
        "org_role": "admin",
    },
    {
        "email": "institution-member@demo.seoul.example",
        "name": "Sanne de Wit (demo)",
        "job_title": "Accessibility Researcher",
        "role": f"member of the institution {DEMO_INSTITUTION}",
        "organization": DEMO_INSTITUTION,
        "org_role": "member",
    },
]

PENDING_APPLICANT: PersonSpec = {
    "email": "applicant@demo.seoul.example",
    "name": "Aino Lehtinen (demo)",
    "job_title": "Co-founder",
    "role": f"pending applicant for {PENDING_COMPANY}; waits for an official to decide",
    "organization": PENDING_COMPANY,
    "org_role": "admin",
}
