"""Demo data for the Pilots feature: requests in every state across the demo cities, an open
call with proposals, a closed call being scored, and partnerships with milestones and KPIs,
one of them completed and published on Results.

Called from ``seoul_platform.demo`` (``seed_pilots`` from ``seed_demo``, ``remove_pilots``
from ``remove_demo``); like them it only adds and flushes.

Every state move goes through the pilots services, acting as the demo city members, demo
company and institution members and the demo official, so the history rows, notifications
and checks are the real ones. The services refuse to act on the past (a deadline must lie
ahead, a call closes only once its deadline has passed), so a story is walked *now* and then,
for the demo only, its timestamps are moved back with direct UPDATEs (``_backdate``,
``_end_call_now``): a demo whose every call opened a second ago would tell no story.

Only invented ("(demo)") organisations get pilots: the real 2023 winners carry public facts
only. Idempotency: a story whose title already exists for its city is skipped.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update

from ..accounts.models import User
from ..audit.models import StateChange
from ..db import db, utcnow
from ..members.models import Organization
from . import proposal_scores, proposals, requests, results, review, selection, workspace
from .models import Interest, Partnership, PilotRequest, RequestStatus
from .proposal_schemas import ProposalFields, ScoresIn
from .request_schemas import RequestInput, RequestPatch, ReviewIn
from .workspace_schemas import (
    KpiPatch,
    KpiValueInput,
    MilestoneInput,
    ReportInput,
    TransitionInput,
)

__all__ = ["PILOT_PEOPLE", "PILOT_STORIES", "remove_pilots", "seed_pilots"]

# The accounts of demo_data.DEMO_PEOPLE the stories act as.
OFFICIAL = "official@demo.seoul.example"
LINDHOLM = "city-admin@demo.seoul.example"
HARBOURLINE = "company-admin@demo.seoul.example"


def _person(email: str, name: str, job_title: str, organization: str) -> dict:
    return {
        "email": f"{email}@demo.seoul.example",
        "name": f"{name} (demo)",
        "job_title": job_title,
        "role": f"member of {organization} (pilots demo)",
        "organization": organization,
        "org_role": "member",
    }


# Extra demo people, only where a story needs someone to act for an organisation.
PILOT_PEOPLE: list[dict] = [
    _person("hanbit.pilots", "Min-jun Oh", "Mobility Planner", "Hanbit City (demo)"),
    _person("porto.pilots", "Larissa Monteiro", "Civil Defence Lead", "Porto Serrano (demo)"),
    _person("kivuli.pilots", "Amani Wekesa", "Energy Access Officer", "Kivuli Heights (demo)"),
    _person("nahr.pilots", "Rania Haddad", "Water Network Engineer", "Nahr al-Ward (demo)"),
    _person("tamarind.pilots", "Litia Vakaloloma", "Risk Officer", "Tamarind Coast (demo)"),
    _person("sahel.pilots", "Awa Ndiaye", "Head of Civil Registry", "Sahel Gate (demo)"),
    _person("sarnowo.pilots", "Tomasz Wierzba", "Climate Programme Lead", "Sarnowo Vale (demo)"),
    _person("cedar.pilots", "Dana Whitfield", "Innovation Manager", "Cedar Hollow (demo)"),
    _person("wadi.pilots", "Khalid Al-Rawahi", "Transport Planning Director", "Wadi Sahar (demo)"),
    _person("eurocity.pilots", "Lena Vogt", "Public Sector Lead", "Eurocity Systems Group (demo)"),
    _person("hanul.pilots", "Seung-woo Baek", "Architect", "Hanul Digital Twin Works (demo)"),
    _person("tidewater.pilots", "Marcus Bell", "Field Engineer", "Tidewater Sensors (demo)"),
    _person("pacifica.pilots", "Aroha Ngata", "Survey Lead", "Pacifica Drone Survey (demo)"),
    _person("andean.pilots", "Camila Restrepo", "Research Coordinator",
            "Andean Mobility Observatory (demo)"),
    _person("falaj.pilots", "Omar Khoury", "Project Manager", "Falaj Water Analytics (demo)"),
    _person("southerncross.pilots", "Priya Raman", "Delivery Lead",
            "Southern Cross Civic Tech (demo)"),
    _person("atlas.pilots", "Youssef Benali", "Microgrid Engineer", "Atlas Solar Networks (demo)"),
    _person("brightgrid.pilots", "Ananya Iyer", "Data Scientist", "Brightgrid Analytics (demo)"),
]  # fmt: skip


def _mail(slug: str) -> str:
    return f"{slug}.pilots@demo.seoul.example"


def _criteria(*items: tuple[str, int, str]) -> list[dict]:
    return [{"name": n, "weight": w, "description": d} for n, w, d in items]


STANDARD_CRITERIA = _criteria(
    ("Fit with the local challenge", 35, "How well the approach answers the problem as stated."),
    ("Inclusion of the target groups", 25, "Co-design with, and access for, the people named."),
    ("Cost and value", 20, "Cost against the budget range and what remains after the pilot."),
    ("Team and track record", 20, "Relevant experience and local presence."),
)

# ---- the stories -------------------------------------------------------------------------
# Each story is one request walked to ``status``. Dates are given in days before today
# (``timeline``: when each state was reached), so the data stays fresh whenever it is loaded.

PILOT_STORIES: list[dict[str, Any]] = [
    # -- draft: the city member's own, invisible to everyone else
    {
        "city": "Lindholm Bay (demo)",
        "actor": LINDHOLM,
        "status": RequestStatus.DRAFT,
        "request": {
            "type": "feasibility_study",
            "title": "Voice kiosks in branch libraries for residents who avoid web forms",
            "sectors": ["welfare", "governance"],
            "challenge": (
                "About one resident in six over 70 has never completed one of our online "
                "consultations. We want to know whether a spoken, staffed kiosk in the "
                "libraries would change that, and what it would cost to run."
            ),
            "target_groups": ["elderly", "disabled"],
            "budget_min": 400_000,
            "budget_max": 900_000,
            "currency": "DKK",
            "languages": ["da", "en"],
            "kpis": [
                {"name": "Consultation answers from residents over 70", "unit": "%", "baseline": 4}
            ],
        },
        "timeline": {"created": 3},
    },
    # -- submitted, with an official's review under way
    {
        "city": "Sahel Gate (demo)",
        "actor": _mail("sahel"),
        "status": RequestStatus.SUBMITTED,
        "request": {
            "type": "feasibility_study",
            "title": "Offline-first birth registration at neighbourhood health posts",
            "sectors": ["governance", "welfare"],
            "challenge": (
                "Many births are registered months late because families must travel to the "
                "town hall. Health posts see almost every newborn but have weak connectivity. "
                "We want to study a tablet-based register that synchronises when a signal is "
                "available."
            ),
            "policy_needs": "Alignment with the national civil registration law and data "
            "protection rules for minors.",
            "technologies": ["offline-first apps", "digital identity"],
            "target_groups": ["children", "women", "low_income"],
            "budget_min": 30_000_000,
            "budget_max": 60_000_000,
            "currency": "XOF",
            "languages": ["fr", "wo"],
            "kpis": [
                {"name": "Births registered within 30 days", "unit": "%", "baseline": 41},
                {"name": "Average travel to register a birth", "unit": "km", "baseline": 9.5},
            ],
            "criteria": STANDARD_CRITERIA,
        },
        "review": {
            "scores": {"commitment": 5, "ict_strategy": 4, "local_support": 3},
            "notes": {
                "local_support": "Ask how many health-post staff can be released for training."
            },
            "summary": "Strong need and a clear owner; local support still to be confirmed.",
        },
        "timeline": {"created": 16, "submitted": 12},
    },
    # -- changes requested by the official
    {
        "city": "Tamarind Coast (demo)",
        "actor": _mail("tamarind"),
        "status": RequestStatus.CHANGES_REQUESTED,
        "request": {
            "type": "pilot_implementation",
            "title": "Cyclone warnings that reach every coastal village",
            "sectors": ["safety", "environment"],
            "challenge": (
                "Warnings reach the town centre by radio and phone, but several villages "
                "along the coast road hear of an approaching cyclone late or not at all."
            ),
            "technologies": ["cell broadcast", "sirens", "satellite data"],
            "target_groups": ["rural", "elderly", "children"],
            "budget_min": 150_000,
            "budget_max": 320_000,
            "currency": "FJD",
            "languages": ["en", "fj"],
            "kpis": [
                {
                    "name": "Villages reached by a test warning within 15 minutes",
                    "unit": "villages",
                    "baseline": 7,
                }
            ],
            "criteria": STANDARD_CRITERIA,
        },
        "changes": "Thank you for a clear request. Please describe what the town will "
        "provide locally (staff, sites for sirens, village focal points) and who will "
        "maintain the system after the pilot, then submit again.",
        "timeline": {"created": 25, "submitted": 21, "changes_requested": 14},
    },
    # -- rejected, with a courteous reason
    {
        "city": "Sarnowo Vale (demo)",
        "actor": _mail("sarnowo"),
        "status": RequestStatus.REJECTED,
        "request": {
            "type": "pilot_implementation",
            "title": "Software licences for the heat-pump subsidy office",
            "sectors": ["energy"],
            "challenge": "Our subsidy office processes applications on paper and needs a "
            "case-management system.",
            "target_groups": ["low_income"],
            "budget_min": 200_000,
            "budget_max": 350_000,
            "currency": "PLN",
            "languages": ["pl"],
            "kpis": [{"name": "Days to decide an application", "unit": "days", "baseline": 48}],
            "criteria": STANDARD_CRITERIA,
        },
        "reject": "The programme funds pilots and studies rather than the purchase of "
        "standard software. We would welcome a new request for a study of how heating data "
        "could target subsidies to the households that need them most.",
        "timeline": {"created": 60, "submitted": 55, "rejected": 47},
    },
    # -- cancelled by the city
    {
        "city": "Cedar Hollow (demo)",
        "actor": _mail("cedar"),
        "status": RequestStatus.CANCELLED,
        "request": {
            "type": "collaborative_demo",
            "title": "Mobile grocery stops planned from 311 requests",
            "sectors": ["welfare"],
            "challenge": "Two outer suburbs have no grocery store within walking distance.",
            "target_groups": ["low_income", "elderly"],
            "budget_min": 80_000,
            "budget_max": 150_000,
            "currency": "USD",
            "languages": ["en", "es"],
            "kpis": [
                {
                    "name": "Households within 800 m of a fresh-food stop",
                    "unit": "%",
                    "baseline": 38,
                }
            ],
            "criteria": STANDARD_CRITERIA,
        },
        "cancel": "A regional food bank has since agreed to run these stops with county "
        "funding, so we no longer need a pilot.",
        "timeline": {"created": 70, "submitted": 66, "cancelled": 40},
    },
    # -- the open call, with three sealed proposals (one from the demo company admin)
    {
        "city": "Hanbit City (demo)",
        "actor": _mail("hanbit"),
        "status": RequestStatus.OPEN,
        "request": {
            "type": "pilot_implementation",
            "title": "On-demand minibuses for older residents in hillside neighbourhoods",
            "sectors": ["mobility", "welfare"],
            "challenge": (
                "In three hillside neighbourhoods the nearest bus stop is a steep walk away. "
                "Residents over 65 tell us they skip clinic visits and markets in winter. We "
                "want to test minibuses that can be booked by phone, app or at the community "
                "centre, running on the city's open mobility data."
            ),
            "policy_needs": "Integration with the city's fare card and its transport data APIs.",
            "technologies": ["demand-responsive transport", "route optimisation"],
            "target_groups": ["elderly", "disabled"],
            "budget_min": 300_000_000,
            "budget_max": 650_000_000,
            "currency": "KRW",
            "starts_on": 80,  # days from today
            "ends_on": 440,
            "languages": ["ko", "en"],
            "kpis": [
                {"name": "Weekly trips by residents over 65", "unit": "trips", "baseline": 0},
                {"name": "Average wait after booking", "unit": "minutes", "baseline": 35},
            ],
            "criteria": STANDARD_CRITERIA,
        },
        # A first submission sent back and resubmitted: the history shows the round trip.
        "changes_then_resubmit": "Please add how residents without a smartphone will book a ride.",
        "proposals": [
            {
                "by": HARBOURLINE,
                "approach": "Three wheelchair-accessible minibuses on flexible routes, booked "
                "by phone, app or at two community centres; routing uses the city's open "
                "stop and traffic data. Drivers trained with local senior associations.",
                "team": "A project lead, two transport planners and a local operations "
                "partner for drivers and vehicles.",
                "references": "On-demand rural services in two English districts (demo).",
                "cost_amount": 360_000,
                "currency": "GBP",
                "duration_months": 12,
            },
            {
                "by": _mail("eurocity"),
                "approach": "A booking and dispatch layer on our urban data platform, "
                "connected to the fare card, with an operations dashboard for the city.",
                "team": "Platform team in Berlin with a Seoul-based integration engineer.",
                "cost_amount": 410_000,
                "currency": "EUR",
                "duration_months": 14,
            },
            {
                "by": _mail("hanul"),
                "approach": "Simulate demand on a 3D model of the slopes first, then run "
                "two vehicles where the model shows the largest gains.",
                "team": "Modelling team and a partner bus operator.",
                "cost_amount": 520_000_000,
                "currency": "KRW",
                "duration_months": 10,
            },
        ],
        "timeline": {"created": 30, "submitted": [26, 20], "changes_requested": 23, "open": 9},
    },
    # -- a closed call: proposals scored, two shortlisted, no selection yet
    {
        "city": "Porto Serrano (demo)",
        "actor": _mail("porto"),
        "status": RequestStatus.CLOSED,
        "request": {
            "type": "pilot_implementation",
            "title": "Rain-triggered landslide alerts for hillside settlements",
            "sectors": ["safety", "environment"],
            "challenge": (
                "Heavy rain on the northern hills triggers landslides most summers. Sirens "
                "exist in four settlements; we want soil and rain sensors that warn "
                "residents early enough to reach the shelters."
            ),
            "technologies": ["iot sensors", "early warning systems"],
            "target_groups": ["low_income", "children", "elderly"],
            "budget_min": 900_000,
            "budget_max": 1_800_000,
            "currency": "BRL",
            "languages": ["pt"],
            "kpis": [
                {
                    "name": "Settlements covered by sensor-based alerts",
                    "unit": "settlements",
                    "baseline": 0,
                },
                {
                    "name": "Lead time of alerts before slope failure",
                    "unit": "minutes",
                    "baseline": 10,
                },
            ],
            "criteria": STANDARD_CRITERIA,
        },
        "proposals": [
            {
                "by": _mail("tidewater"),
                "approach": "Forty low-cost soil-moisture and rain sensors on LoRaWAN, with "
                "thresholds tuned with the civil defence team.",
                "team": "Two field engineers and a hydrologist.",
                "cost_amount": 260_000,
                "currency": "USD",
                "duration_months": 9,
                "scores": [8, 7, 8, 6],
                "shortlist": True,
            },
            {
                "by": _mail("pacifica"),
                "approach": "Lidar surveys after each rainy season to map moving slopes, "
                "combined with a smaller sensor network.",
                "team": "Survey pilots, a geotechnical engineer and a data analyst.",
                "cost_amount": 410_000,
                "currency": "NZD",
                "duration_months": 12,
                "scores": [7, 6, 6, 8],
                "shortlist": True,
            },
            {
                "by": _mail("andean"),
                "approach": "A study of evacuation routes and shelter access on the slopes, "
                "with resident walks.",
                "team": "University researchers and community facilitators.",
                "cost_amount": 950_000_000,
                "currency": "COP",
                "duration_months": 8,
                "scores": [5, 8, 7, 6],
            },
        ],
        "timeline": {"created": 75, "submitted": 70, "open": 48, "closed": 20},
    },
    # -- partner selected, waiting for an official's approval
    {
        "city": "Nahr al-Ward (demo)",
        "actor": _mail("nahr"),
        "status": RequestStatus.PARTNER_SELECTED,
        "request": {
            "type": "triangular",
            "title": "Finding leaks in the western water network",
            "sectors": ["environment"],
            "challenge": "Close to a third of the water we pump into the western districts "
            "is never billed. Meters cover part of the network; we want to locate leaks "
            "from pressure and meter data before digging.",
            "technologies": ["leak detection", "smart water meters"],
            "target_groups": ["low_income"],
            "budget_min": 120_000,
            "budget_max": 250_000,
            "currency": "JOD",
            "languages": ["ar", "en"],
            "kpis": [
                {"name": "Non-revenue water in the western districts", "unit": "%", "baseline": 31}
            ],
            "criteria": STANDARD_CRITERIA,
        },
        "proposals": [
            {
                "by": _mail("falaj"),
                "approach": "Pressure loggers at twenty points and a model that ranks pipe "
                "segments by leak likelihood, checked by acoustic crews.",
                "team": "Project manager, two data engineers, a field crew lead.",
                "cost_amount": 310_000,
                "currency": "USD",
                "duration_months": 10,
                "scores": [9, 6, 7, 8],
                "shortlist": True,
            },
            {
                "by": _mail("tidewater"),
                "approach": "Battery-powered acoustic sensors on valves in the oldest mains.",
                "team": "Two field engineers.",
                "cost_amount": 180_000,
                "currency": "USD",
                "duration_months": 8,
                "scores": [6, 5, 8, 6],
            },
        ],
        "select": {"by": _mail("falaj"), "third": "Gulf Centre for Urban Climate (demo)"},
        "timeline": {
            "created": 95,
            "submitted": 90,
            "open": 70,
            "closed": 40,
            "partner_selected": 6,
        },
    },
    # -- partnership in progress (triangular), one milestone delayed
    {
        "city": "Lindholm Bay (demo)",
        "actor": LINDHOLM,
        "status": RequestStatus.IN_PROGRESS,
        "request": {
            "type": "triangular",
            "title": "Neighbourhood panels that meet residents offline as well as online",
            "sectors": ["governance", "welfare"],
            "challenge": (
                "Our citizen panels are answered mostly by the same well-connected residents. "
                "We want paper, phone and library sessions that feed the same online panel, "
                "and an accessibility audit of the whole journey."
            ),
            "technologies": ["participatory budgeting", "accessibility audits"],
            "target_groups": ["elderly", "migrants", "disabled"],
            "budget_min": 1_200_000,
            "budget_max": 2_000_000,
            "currency": "DKK",
            "languages": ["da", "en"],
            "kpis": [
                {"name": "Panel answers from residents over 70", "unit": "%", "baseline": 6},
                {"name": "Panel answers given offline", "unit": "answers", "baseline": 0},
            ],
            "criteria": STANDARD_CRITERIA,
        },
        "proposals": [
            {
                "by": _mail("southerncross"),
                "approach": "Extend our open-source panel tool with paper forms read by "
                "scanner, a phone line and library sessions; all answers land in one panel.",
                "team": "Delivery lead, two developers and a Danish-speaking facilitator.",
                "references": "Council consultations in three Australian towns (demo).",
                "cost_amount": 210_000,
                "currency": "EUR",
                "duration_months": 12,
                "scores": [8, 9, 7, 7],
                "shortlist": True,
            },
        ],
        "select": {"by": _mail("southerncross"), "third": "Institute for Inclusive Cities (demo)"},
        "kpi_targets": [15, 600],
        "kpi_values": [
            [
                (120, 6, "Panel register, first-quarter extract"),
                (60, 9, "Panel register, second-quarter extract"),
                (10, 11, "Panel register, third-quarter extract"),
            ],
            [(60, 140, "Library session tally sheets"), (10, 310, "Scanner and phone-line log")],
        ],
        "milestones": [
            ("Accessibility audit of the current panel", 140, 150, 128, "done"),
            ("Paper and phone channels live", 90, 110, 85, "done"),
            ("Library sessions in all six branches", 30, 60, None, "delayed"),
            ("Mid-term review with residents", -40, None, None, "planned"),
        ],
        "reports": [
            (
                150,
                90,
                "The audit found twelve barriers, eight now fixed. Paper and phone "
                "channels opened on time.",
                "Two branches lack staff on weekday evenings.",
                "Recruit volunteer hosts with the library association.",
            ),
            (
                89,
                20,
                "Offline answers are growing; library sessions run in four branches.",
                "The remaining two branches start late because of staff shortages.",
                "Start the last two branches after the summer; prepare the mid-term review.",
            ),
        ],
        "timeline": {
            "created": 220,
            "submitted": 210,
            "open": 200,
            "closed": 170,
            "partner_selected": 165,
            "in_progress": 158,
        },
    },
    # -- partnership in evaluation
    {
        "city": "Kivuli Heights (demo)",
        "actor": _mail("kivuli"),
        "status": RequestStatus.EVALUATION,
        "request": {
            "type": "pilot_implementation",
            "title": "Community solar for a market and a maternity clinic",
            "sectors": ["energy", "welfare"],
            "challenge": "Power cuts close market cold rooms and force the clinic onto a "
            "diesel generator several times a week.",
            "technologies": ["solar microgrids", "battery storage", "pay-as-you-go"],
            "target_groups": ["women", "low_income"],
            "budget_min": 15_000_000,
            "budget_max": 30_000_000,
            "currency": "KES",
            "languages": ["sw", "en"],
            "kpis": [
                {
                    "name": "Hours of outage per month at the clinic",
                    "unit": "hours",
                    "baseline": 62,
                },
                {
                    "name": "Diesel used by the clinic generator",
                    "unit": "litres/month",
                    "baseline": 410,
                },
            ],
            "criteria": STANDARD_CRITERIA,
        },
        "proposals": [
            {
                "by": _mail("atlas"),
                "approach": "A 60 kWp microgrid with storage serving the clinic first and "
                "market stalls on pay-as-you-go tariffs, run with a traders' cooperative.",
                "team": "Microgrid engineer, two technicians and a cooperative trainer.",
                "cost_amount": 195_000,
                "currency": "USD",
                "duration_months": 12,
                "scores": [9, 8, 7, 8],
                "shortlist": True,
            },
            {
                "by": _mail("brightgrid"),
                "approach": "Forecast outages from grid data and schedule the generator.",
                "team": "Two data scientists.",
                "cost_amount": 60_000,
                "currency": "USD",
                "duration_months": 6,
                "scores": [5, 4, 8, 6],
            },
        ],
        "select": {"by": _mail("atlas")},
        "kpi_targets": [8, 80],
        "kpi_values": [
            [
                (300, 58, "Clinic logbook"),
                (180, 21, "Microgrid controller"),
                (30, 6, "Microgrid controller"),
            ],
            [(300, 400, "Fuel receipts"), (180, 150, "Fuel receipts"), (30, 60, "Fuel receipts")],
        ],
        "milestones": [
            ("Site survey and cooperative agreement", 320, 330, 318, "done"),
            ("Microgrid commissioned", 240, 280, 236, "done"),
            ("Market tariffs in use", 200, 220, 190, "done"),
        ],
        "reports": [
            (
                330,
                200,
                "The microgrid runs since month three; the clinic no longer loses "
                "power during deliveries.",
                "Battery theft risk at night.",
                "Fence and light the battery house.",
            ),
        ],
        "timeline": {
            "created": 420,
            "submitted": 410,
            "open": 400,
            "closed": 370,
            "partner_selected": 362,
            "in_progress": 350,
            "evaluation": 25,
        },
    },
    # -- completed, consented and published on /results
    {
        "city": "Wadi Sahar (demo)",
        "actor": _mail("wadi"),
        "status": RequestStatus.COMPLETED,
        "publish": True,
        "request": {
            "type": "collaborative_demo",
            "title": "Shaded on-demand minibus between the old town and new districts",
            "sectors": ["mobility", "culture"],
            "challenge": (
                "Heritage sites in the old town are a short drive but a long, hot walk from "
                "the new districts; most visits are by private car and parking fills the "
                "historic lanes."
            ),
            "technologies": ["demand-responsive transport", "open data apis"],
            "target_groups": ["elderly", "youth", "disabled"],
            "budget_min": 90_000,
            "budget_max": 160_000,
            "currency": "OMR",
            "languages": ["ar", "en"],
            "kpis": [
                {"name": "Weekly minibus trips", "unit": "trips", "baseline": 0},
                {
                    "name": "Cars parked in the historic lanes at noon",
                    "unit": "cars",
                    "baseline": 240,
                },
                {"name": "Riders rating the service good or very good", "unit": "%", "baseline": 0},
            ],
            "criteria": STANDARD_CRITERIA,
        },
        "proposals": [
            {
                "by": HARBOURLINE,
                "approach": "Four air-conditioned minibuses booked by app, phone or at "
                "shaded stops, routed on demand between six districts and the old town.",
                "team": "Project lead, planner and a local operator for drivers.",
                "references": "On-demand rural services in two English districts (demo).",
                "cost_amount": 310_000,
                "currency": "USD",
                "duration_months": 12,
                "scores": [9, 8, 7, 8],
                "shortlist": True,
            },
            {
                "by": _mail("eurocity"),
                "approach": "A parking guidance system with a park-and-ride shuttle.",
                "team": "Platform team and a regional integrator.",
                "cost_amount": 280_000,
                "currency": "EUR",
                "duration_months": 10,
                "scores": [6, 5, 7, 8],
            },
        ],
        "select": {"by": HARBOURLINE},
        "kpi_targets": [1500, 120, 80],
        "kpi_values": [
            [
                (400, 350, "Booking system export"),
                (250, 1100, "Booking system export"),
                (90, 1720, "Booking system export"),
            ],
            [
                (400, 232, "Noon parking count by municipal wardens"),
                (250, 170, "Noon parking count by municipal wardens"),
                (90, 115, "Noon parking count by municipal wardens"),
            ],
            [(250, 76, "Rider survey, 410 responses"), (90, 84, "Rider survey, 530 responses")],
        ],
        "milestones": [
            ("Stops and shade structures agreed with heritage office", 460, 470, 455, "done"),
            ("Service launch", 420, 430, 418, "done"),
            ("Evening service for events", 300, 320, 296, "done"),
        ],
        "reports": [
            (
                430,
                250,
                "Ridership grew steadily after launch; evening events brought new riders.",
                "Summer heat reduces walking to stops.",
                "Add two shaded stops.",
            ),
            (
                249,
                90,
                "Targets for trips and parking reached; riders rate the service highly.",
                "",
                "Prepare the evaluation and the handover to the municipal operator.",
            ),
        ],
        "outcome": (
            "Over twelve months the minibus carried more than 1,700 trips a week at its "
            "peak, and noon parking in the historic lanes fell by half. Older riders and "
            "wheelchair users were a quarter of bookings. The municipality now runs the "
            "service with its own operator."
        ),
        "lessons": (
            "Shade at stops mattered as much as frequency. Phone booking was essential for "
            "older residents. Involving the heritage office from the first week avoided "
            "delays over stop locations."
        ),
        "timeline": {
            "created": 560,
            "submitted": 550,
            "open": 540,
            "closed": 510,
            "partner_selected": 500,
            "in_progress": 480,
            "evaluation": 60,
            "completed": 30,
            "published": 21,
        },
    },
]

# The Hanbit request's resubmission adds what the official asked for.
HANBIT_ADDITION = (
    " Residents without a smartphone will book by phone with a human operator or at the "
    "community centre desk."
)


# ---- helpers -----------------------------------------------------------------------------


def _days_ago(days: int, now: datetime) -> datetime:
    return now - timedelta(days=days)


def _day(days_ago: int) -> date:
    return (utcnow() - timedelta(days=days_ago)).date()


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:  # demo_data and PILOT_PEOPLE are out of step: fail loudly
        raise LookupError(f"demo account {email} is missing")
    return user


def _org(name: str) -> Organization | None:
    from ..members.services import _name_key

    return db.session.scalar(select(Organization).where(Organization.name_key == _name_key(name)))


def _request_input(spec: dict) -> RequestInput:
    data = dict(spec)
    today = utcnow().date()
    for key in ("starts_on", "ends_on"):
        if key in data:  # days from today
            data[key] = today + timedelta(days=data[key])
    return RequestInput(**data)


def _mark_interests_demo(req_id: int) -> None:
    # submit_proposal serves real proposers and writes is_demo=False: flag the demo ones.
    db.session.execute(
        update(Interest)
        .where(Interest.request_id == req_id)
        .values(is_demo=True)
        .execution_options(synchronize_session=False)
    )


def _end_call_now(req_id: int) -> None:
    """Demo only: move an open call's deadline to this instant, so that the real overdue
    path (requests.close_overdue, role system) closes it. _backdate then dates it."""
    db.session.execute(
        update(PilotRequest)
        .where(PilotRequest.id == req_id, PilotRequest.status == RequestStatus.OPEN)
        .values(deadline=utcnow() - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )


def _backdate(req_id: int, timeline: dict[str, Any]) -> None:
    """Demo only: date the story in the past. The moves were made just now through the
    services (history rows written by lifecycle.transition); these direct UPDATEs only move
    their timestamps to the days before today that ``timeline`` gives, so the pipeline, the
    history and the workspace read like a real year of work."""
    now = utcnow()

    def at(state: str) -> datetime | None:
        value = timeline.get(state)
        if isinstance(value, list):
            value = value[0]
        return None if value is None else _days_ago(value, now)

    values: dict[str, Any] = {"created_at": at("created"), "updated_at": now}
    if "submitted" in timeline:
        values["submitted_at"] = at("submitted")
    if "open" in timeline:
        values["opened_at"] = at("open")
        values["deadline"] = at("open") + timedelta(days=28)
    if "closed" in timeline:
        values["closed_at"] = values["deadline"] = at("closed")
    if "published" in timeline:
        values["published_at"] = at("published")
    db.session.execute(
        update(PilotRequest)
        .where(PilotRequest.id == req_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    # The request's history, oldest first: each move gets the day its state was reached.
    pending = {
        k: list(v) if isinstance(v, list) else [v] for k, v in timeline.items() if k != "created"
    }
    rows = db.session.scalars(
        select(StateChange)
        .where(StateChange.subject_type == "pilot_request", StateChange.subject_id == req_id)
        .order_by(StateChange.id)
    ).all()
    for row in rows:
        days = pending.get(row.to_state)
        if days:
            row.at = _days_ago(days.pop(0) if len(days) > 1 else days[0], now)
    # Proposals arrived in the first days of the call; their moves follow the request's.
    interest_ids = list(
        db.session.scalars(select(Interest.id).where(Interest.request_id == req_id))
    )
    if interest_ids and at("open") is not None:
        arrived = at("open") + timedelta(days=3)
        db.session.execute(
            update(Interest)
            .where(Interest.id.in_(interest_ids))
            .values(created_at=arrived, updated_at=arrived)
            .execution_options(synchronize_session=False)
        )
        follows = {
            "shortlisted": at("closed"),
            "selected": at("partner_selected"),
            "not_selected": at("in_progress"),
        }
        for row in db.session.scalars(
            select(StateChange).where(
                StateChange.subject_type == "interest", StateChange.subject_id.in_(interest_ids)
            )
        ):
            when = follows.get(row.to_state)
            if when is not None:
                row.at = when + timedelta(days=2) if row.to_state == "shortlisted" else when
    if "in_progress" in timeline:
        db.session.execute(
            update(Partnership)
            .where(Partnership.request_id == req_id)
            .values(
                created_at=at("in_progress"),
                started_at=at("in_progress"),
                **({"completed_at": at("completed")} if "completed" in timeline else {}),
            )
            .execution_options(synchronize_session=False)
        )
    db.session.flush()


# ---- walking one story -------------------------------------------------------------------


def _walk(story: dict, official: User) -> None:
    city = _user(story["actor"])
    target = story["status"]
    req = requests.create_request(city, _request_input(story["request"]))
    rid = req.id
    db.session.execute(
        update(PilotRequest)
        .where(PilotRequest.id == rid)
        .values(is_demo=True)
        .execution_options(synchronize_session=False)
    )
    if target == RequestStatus.DRAFT:
        return
    requests.submit_request(city, rid)
    if "changes_then_resubmit" in story:
        review.request_changes(official, rid, story["changes_then_resubmit"])
        challenge = story["request"]["challenge"] + HANBIT_ADDITION
        requests.update_request(city, rid, RequestPatch(challenge=challenge))
        requests.submit_request(city, rid)
    if "review" in story:
        review.save_review(official, rid, ReviewIn(**story["review"]))
    if target == RequestStatus.SUBMITTED:
        return
    if target == RequestStatus.CHANGES_REQUESTED:
        review.request_changes(official, rid, story["changes"])
        return
    if target == RequestStatus.REJECTED:
        review.reject_request(official, rid, story["reject"])
        return
    if target == RequestStatus.CANCELLED:
        requests.cancel_request(city, rid, story["cancel"])
        return
    review.open_call(official, rid)
    interests: dict[str, Interest] = {}
    for p in story.get("proposals", []):
        fields = {k: v for k, v in p.items() if k not in ("by", "scores", "shortlist")}
        interests[p["by"]] = proposals.submit_proposal(
            _user(p["by"]), rid, ProposalFields(**fields)
        )
    _mark_interests_demo(rid)
    if target == RequestStatus.OPEN:
        return
    _end_call_now(rid)
    requests.close_overdue(rid, req.city_id)
    criteria = requests._loaded(rid).criteria
    for p in story.get("proposals", []):
        interest = interests[p["by"]]
        if "scores" in p:
            scores = [
                {"criterion_id": c.id, "score": s}
                for c, s in zip(criteria, p["scores"], strict=True)
            ]
            proposal_scores.score_proposal(city, interest.id, ScoresIn(scores=scores))
        if p.get("shortlist"):
            proposal_scores.set_shortlisted(city, interest.id, True)
    if target == RequestStatus.CLOSED:
        return
    chosen = interests[story["select"]["by"]]
    third = _org(story["select"]["third"]) if "third" in story["select"] else None
    selection.select_partner(city, rid, chosen.id, third.id if third else None)
    if target == RequestStatus.PARTNER_SELECTED:
        return
    partnership = selection.approve_selection(official, rid)
    _run_workspace(story, partnership, city, _user(story["select"]["by"]))
    if target == RequestStatus.IN_PROGRESS:
        return
    workspace.move_partnership(official, partnership.id, TransitionInput(to="evaluation"))
    if target == RequestStatus.EVALUATION:
        return
    workspace.move_partnership(
        official,
        partnership.id,
        TransitionInput(
            to="completed", outcome_summary=story["outcome"], lessons_learned=story["lessons"]
        ),
    )
    if story.get("publish"):
        results.set_consent(city, partnership.id, True)
        results.set_publication(official, partnership.id, True)


def _run_workspace(story: dict, partnership: Partnership, city: User, partner: User) -> None:
    pid = partnership.id
    for title, planned, started, done, status in story.get("milestones", []):
        workspace.add_milestone(
            city,
            pid,
            MilestoneInput(
                title=title,
                planned_on=_day(planned),
                started_on=_day(started) if started is not None else None,
                actual_on=_day(done) if done is not None else None,
                status=status,
            ),
        )
    kpis = sorted(requests._loaded(partnership.request_id).kpis, key=lambda k: k.position)
    for kpi, target in zip(kpis, story.get("kpi_targets", []), strict=False):
        workspace.set_kpi_target(city, kpi.id, KpiPatch(target=target))
    for kpi, values in zip(kpis, story.get("kpi_values", []), strict=False):
        for days, value, source in values:
            workspace.record_kpi_value(
                partner, kpi.id, KpiValueInput(measured_on=_day(days), value=value, source=source)
            )
    for start, end, summary, risks, next_steps in story.get("reports", []):
        workspace.submit_report(
            partner,
            pid,
            ReportInput(
                period_start=_day(start),
                period_end=_day(end),
                summary=summary,
                risks=risks,
                next_steps=next_steps,
            ),
        )


# ---- seeding and removal -----------------------------------------------------------------


def _exists(story: dict, city: Organization) -> bool:
    return (
        db.session.scalar(
            select(PilotRequest.id).where(
                PilotRequest.city_id == city.id,
                PilotRequest.title == story["request"]["title"],
            )
        )
        is not None
    )


def seed_pilots(tally: Any, ensure_person: Any) -> None:
    """Walk every story not yet present. ``ensure_person`` is demo.py's (creates a demo
    account once); ``tally`` counts what was created (``pilot_requests``) or found."""
    for spec in PILOT_PEOPLE:
        ensure_person(spec, tally)
    official = _user(OFFICIAL)
    for story in PILOT_STORIES:
        city = _org(story["city"])
        # Only invented cities get invented pilots; a real organisation is left alone.
        if city is None or not city.is_demo or city.public_source:
            continue
        if _exists(story, city):
            tally.existing += 1
            continue
        _walk(story, official)
        rid = db.session.scalar(
            select(PilotRequest.id).where(
                PilotRequest.city_id == city.id, PilotRequest.title == story["request"]["title"]
            )
        )
        db.session.execute(
            update(Partnership)
            .where(Partnership.request_id == rid)
            .values(is_demo=True)
            .execution_options(synchronize_session=False)
        )
        _backdate(rid, story["timeline"])
        tally.pilot_requests += 1
    db.session.flush()


def remove_pilots(demo_orgs) -> int:
    """Delete the pilots rows of demo organisations (and any flagged demo), children first:
    the foreign keys from partnerships, proposals and requests to organisations are ON DELETE
    RESTRICT. Their history rows go too. Returns how many requests, proposals and
    partnerships were deleted. Adds and flushes only."""
    req_ids = list(
        db.session.scalars(
            select(PilotRequest.id).where(
                or_(PilotRequest.is_demo.is_(True), PilotRequest.city_id.in_(demo_orgs))
            )
        )
    )
    partnership_ids = list(
        db.session.scalars(
            select(Partnership.id).where(
                or_(
                    Partnership.is_demo.is_(True),
                    Partnership.request_id.in_(req_ids),
                    Partnership.partner_id.in_(demo_orgs),
                    Partnership.third_party_id.in_(demo_orgs),
                )
            )
        )
    )
    interest_ids = list(
        db.session.scalars(
            select(Interest.id).where(
                or_(
                    Interest.is_demo.is_(True),
                    Interest.request_id.in_(req_ids),
                    Interest.organization_id.in_(demo_orgs),
                )
            )
        )
    )

    def gone(stmt) -> int:
        return db.session.execute(stmt, execution_options={"synchronize_session": "fetch"}).rowcount

    # Milestones, reports (partnerships) and sectors, criteria, KPIs and their values,
    # reviews, scores (requests, proposals) go by their ON DELETE CASCADE.
    removed = gone(delete(Partnership).where(Partnership.id.in_(partnership_ids)))
    removed += gone(delete(Interest).where(Interest.id.in_(interest_ids)))
    removed += gone(delete(PilotRequest).where(PilotRequest.id.in_(req_ids)))
    for subject_type, ids in (("pilot_request", req_ids), ("interest", interest_ids)):
        if ids:
            gone(
                delete(StateChange).where(
                    StateChange.subject_type == subject_type, StateChange.subject_id.in_(ids)
                )
            )
    db.session.flush()
    return removed
