"""The demo data set: `flask seed-demo` (idempotent) and `flask remove-demo`."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from seoul_platform import demo, demo_data
from seoul_platform.accounts.models import ApiToken, OrgRole, User, UserSession, UserStatus
from seoul_platform.accounts.passwords import password_problems
from seoul_platform.accounts.services import assert_no_demo_accounts
from seoul_platform.audit.models import StateChange
from seoul_platform.config import UnsafeConfiguration
from seoul_platform.mail.models import OutboundEmail
from seoul_platform.members.models import (
    Award,
    AwardCategory,
    CompanySize,
    Organization,
    OrganizationSector,
    OrganizationTechnology,
    OrgKind,
    OrgStatus,
    Region,
    Sector,
)
from seoul_platform.onboarding.models import JoinRequest, JoinRequestStatus
from seoul_platform.pilots.demo import PILOT_STORIES
from seoul_platform.pilots.models import (
    Interest,
    Kpi,
    KpiValue,
    Milestone,
    MilestoneStatus,
    Partnership,
    PilotRequest,
    RequestStatus,
)
from seoul_platform.training.models import Cohort, Enrollment
from support import login

OFFICIAL_EMAIL = "official@demo.seoul.example"

# What the public announcement of the 2023 winners says (the seeds), award by award:
# (organisation, category, project title, laureate, partner). Odense's and Wellington's
# categories are not in the announcement, so they are not stated (None).
WINNERS_2023 = {
    (
        "Odense",
        None,
        "LEAP (Leadership, Empowerment and Advocacy for the People) digital platform",
        "",
        "",
    ),
    (
        "Wellington",
        None,
        "Wellington Climate Change Adaptation Digital Twin",
        "",
        "",
    ),
    ("Dhaka South City Corporation", AwardCategory.LEADERSHIP, "", "Sheikh Fazle Noor Taposh", ""),
    ("Konya", AwardCategory.LEADERSHIP, "", "Uğur İbrahim Altay", ""),
    *(
        (city, AwardCategory.SPECIAL_MENTION, demo_data.SPECIAL_MENTION_TITLE, "", "GGGI and IMD")
        for city in ("Kaohsiung", "Abu Dhabi", "Madinah")
    ),
}
REAL_NAMES = {row[0] for row in WINNERS_2023}


@pytest.fixture
def seeded(db) -> str:
    summary = demo.seed_demo()
    db.session.commit()
    return summary


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _counts(db) -> dict[str, int]:
    models = (
        Organization,
        OrganizationSector,
        OrganizationTechnology,
        Award,
        User,
        JoinRequest,
        OutboundEmail,
    )
    return {model.__name__: _count(db, model) for model in models}


def _orgs(db) -> list[Organization]:
    return list(db.session.scalars(select(Organization)))


def test_seed_fills_a_lively_directory(db, seeded):
    orgs = _orgs(db)
    assert len(orgs) >= 40
    assert {o.region for o in orgs} == set(Region)
    assert {Sector(s) for o in orgs for s in o.sector_values} == set(Sector)
    assert {o.kind for o in orgs} == set(OrgKind)
    companies = [o for o in orgs if o.kind == OrgKind.COMPANY]
    assert {c.size for c in companies} == set(CompanySize)
    assert all(c.technology_values for c in companies)
    invented_cities = [o for o in orgs if o.kind == OrgKind.CITY and o.name not in REAL_NAMES]
    assert {c.development_stage for c in invented_cities} == {1, 2, 3, 4, 5}
    assert all(c.population and c.challenges for c in invented_cities)
    invented = [o for o in orgs if o.name not in REAL_NAMES]
    assert all(o.languages and all(len(code) == 2 for code in o.languages) for o in invented)
    # Active organisations alone (what members see) still cover every region and sector.
    active = [o for o in orgs if o.status == OrgStatus.ACTIVE]
    assert len(active) >= 40
    assert {o.region for o in active} == set(Region)


def test_every_invented_row_is_marked_demo_and_real_winners_are_public_record(db, seeded):
    orgs = _orgs(db)
    users = list(db.session.scalars(select(User)))
    assert users
    assert all(u.is_demo and u.name.endswith("(demo)") for u in users)
    for org in orgs:
        if org.name in REAL_NAMES:
            assert not org.is_demo
            assert org.public_source == demo_data.PRIZE_2023_SOURCE
            assert "public announcement" in org.description
            assert "demo" not in org.description.lower()
        else:
            assert org.is_demo and org.public_source == ""
            assert org.name.endswith("(demo)")
            assert org.description.startswith("Demo data:")


def test_the_2023_winners_carry_the_seed_facts_only(db, seeded):
    awards = db.session.scalars(select(Award).where(Award.year == 2023)).all()
    assert {
        (a.organization.name, a.category, a.project_title, a.laureate_name, a.partner)
        for a in awards
    } == WINNERS_2023
    assert len(awards) == len(WINNERS_2023)
    real = {o.name: o for o in _orgs(db) if o.name in REAL_NAMES}
    assert {name: o.country for name, o in real.items()} == {
        "Odense": "DK",
        "Wellington": "NZ",
        "Dhaka South City Corporation": "BD",
        "Konya": "TR",
        "Kaohsiung": "TW",
        "Abu Dhabi": "AE",
        "Madinah": "SA",
    }
    for org in real.values():
        # Nothing the announcement does not give: no figures, no website, no people.
        assert org.population is None and org.development_stage is None
        assert org.website == "" and org.languages == [] and org.people == []
    # Only what the seeds say: no sectors (the announcement assigns none), no invented
    # category, and the technologies it names.
    for org in real.values():
        assert org.sector_values == []
    assert real["Wellington"].technology_values == ["digital twin"]
    assert "nearly 200 smart city applications" in real["Konya"].description
    # The invented 2024 prizes are on invented organisations only, and say so in the title.
    later = db.session.scalars(select(Award).where(Award.year == 2024)).all()
    assert {a.category for a in later} == {
        AwardCategory.TECH_INNOVACITY,
        AwardCategory.HUMAN_CENTRICITY,
    }
    assert all(a.organization.name.endswith("(demo)") for a in later)
    assert all(a.project_title.endswith("(demo project)") for a in later)


def test_real_winners_show_public_record_not_demo_badge(app, db, seeded):
    client = app.test_client()
    login(client, OFFICIAL_EMAIL, demo_data.DEMO_PASSWORD)
    odense = db.session.scalar(select(Organization).where(Organization.name == "Odense"))
    page = client.get(f"/organizations/{odense.id}").get_data(as_text=True)
    assert "Public record: 2023 Seoul Smart City Prize announcement" in page
    assert "Demo data" not in page
    assert "category not stated" in page
    for category in ("Human-CentriCity", "Tech-InnovaCity", "— Leadership", "Special Mention"):
        assert category not in page
    listing = client.get("/directory?q=Lindholm").get_data(as_text=True)
    assert "Demo data" in listing


def test_running_twice_creates_nothing_new(db, seeded):
    before = _counts(db)
    summary = demo.seed_demo()
    db.session.commit()
    assert _counts(db) == before
    assert "created 0 organisations, 0 awards, 0 accounts, 0 join requests" in summary


def test_an_organisation_created_for_real_is_left_alone(db, make):
    real = make.org("city", name="Odense", country="DK", region="europe")
    demo.seed_demo()
    db.session.commit()
    db.session.refresh(real)
    assert not real.is_demo
    assert real.awards == []
    assert _count(db, Organization, Organization.name == "Odense") == 1


def test_demo_accounts_sign_in(app, db, seeded):
    assert [email for email, _ in demo.DEMO_ACCOUNTS] == [
        OFFICIAL_EMAIL,
        "city-admin@demo.seoul.example",
        "company-admin@demo.seoul.example",
        "institution-member@demo.seoul.example",
        "applicant@demo.seoul.example",
    ]
    for email, _role in demo.DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None and user.is_demo
        assert password_problems(demo.DEMO_PASSWORD, email=email, name=user.name) == []
        client = app.test_client()
        response = login(client, email, demo.DEMO_PASSWORD)
        assert response.status_code == 302, email
    official = db.session.scalar(select(User).where(User.email == OFFICIAL_EMAIL))
    assert official.is_official and official.organization_id is None


def test_demo_official_browses_the_seeded_directory(app, db, seeded):
    client = app.test_client()
    assert login(client, OFFICIAL_EMAIL, demo.DEMO_PASSWORD).status_code == 302
    page = client.get("/directory?award_year=2023&per_page=50")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in REAL_NAMES:
        assert name in html
    odense = db.session.scalar(select(Organization).where(Organization.name == "Odense"))
    profile = client.get(f"/organizations/{odense.id}").get_data(as_text=True)
    assert "LEAP (Leadership, Empowerment and Advocacy for the People)" in profile


def test_roles_of_the_demo_people(db, seeded):
    people = {u.email: u for u in db.session.scalars(select(User))}
    admin = people["city-admin@demo.seoul.example"]
    assert admin.org_role == OrgRole.ADMIN
    assert admin.organization.name == demo_data.DEMO_CITY
    assert admin.organization.kind == OrgKind.CITY
    company_admin = people["company-admin@demo.seoul.example"]
    assert company_admin.org_role == OrgRole.ADMIN
    assert company_admin.organization.kind == OrgKind.COMPANY
    member = people["institution-member@demo.seoul.example"]
    assert member.org_role == OrgRole.MEMBER
    assert member.organization.kind == OrgKind.INSTITUTION


def test_the_pending_application_waits_for_an_official(db, seeded):
    applicant = db.session.scalar(select(User).where(User.email == "applicant@demo.seoul.example"))
    assert applicant.status == UserStatus.PENDING and applicant.is_demo
    assert applicant.org_role == OrgRole.ADMIN
    org = applicant.organization
    assert org.name == demo_data.PENDING_COMPANY
    assert org.status == OrgStatus.PENDING and org.is_demo
    request = db.session.scalar(select(JoinRequest).where(JoinRequest.organization_id == org.id))
    assert request.status == JoinRequestStatus.PENDING
    assert request.applicant_id == applicant.id
    assert _count(db, JoinRequest) == 1


def test_remove_demo_leaves_no_demo_rows(app, db, make, seeded):
    keeper_org = make.org("company", name="Real Works", sectors=["energy"], size="sme")
    keeper = make.user(keeper_org, email="keeper@example.org")
    client = app.test_client()
    assert login(client, OFFICIAL_EMAIL, demo.DEMO_PASSWORD).status_code == 302
    # A cookie-less client: JSON requests that carry a session cookie need a CSRF token.
    token = app.test_client().post(
        "/api/v1/tokens", json={"email": OFFICIAL_EMAIL, "password": demo.DEMO_PASSWORD}
    )
    assert token.status_code == 201
    demo_orgs = _count(db, Organization, Organization.is_demo.is_(True))
    demo_users = _count(db, User, User.is_demo.is_(True))
    demo_pilots = sum(_count(db, m) for m in (PilotRequest, Interest, Partnership))
    demo_training = sum(_count(db, m) for m in (Cohort, Enrollment))

    removed = demo.remove_demo()
    db.session.commit()

    # + the pending join request, the pilots rows of demo organisations, and the cohorts and
    # enrollments of the demo training programme
    assert removed == demo_orgs + demo_users + 1 + demo_pilots + demo_training
    assert _count(db, Organization, Organization.is_demo.is_(True)) == 0
    assert _count(db, User, User.is_demo.is_(True)) == 0
    assert _count(db, JoinRequest) == 0
    # The real 2023 winners are public record, not demo data: they and their awards stay.
    assert _count(db, Award) == len(WINNERS_2023)
    assert {o.name for o in _orgs(db)} == REAL_NAMES | {"Real Works"}
    assert _count(db, UserSession) == 0 and _count(db, ApiToken) == 0
    assert _count(db, OutboundEmail, OutboundEmail.to.like("%@demo.seoul.example")) == 0
    assert _count(db, OrganizationSector) == 1  # the real organisation's
    assert db.session.get(Organization, keeper_org.id) is not None
    assert db.session.get(User, keeper.id) is not None
    assert client.get("/directory").status_code in (302, 401)  # the cookie died with it
    assert demo.remove_demo() == 0
    # And it can be loaded again in the same session.
    demo.seed_demo()
    db.session.commit()
    assert _count(db, Organization, Organization.is_demo.is_(True)) == demo_orgs


def test_production_refuses_to_start_with_demo_accounts(db, seeded):
    with pytest.raises(UnsafeConfiguration):
        assert_no_demo_accounts()
    demo.remove_demo()
    db.session.commit()
    assert_no_demo_accounts()


def test_cli_seed_and_remove(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert OFFICIAL_EMAIL in first.output
    organizations = _count(db, Organization)
    assert organizations >= 40
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "created 0 organisations" in second.output
    assert _count(db, Organization) == organizations
    removed = runner.invoke(args=["remove-demo"])
    assert removed.exit_code == 0, removed.output
    assert "removed" in removed.output
    assert _count(db, Organization) == len(REAL_NAMES) and _count(db, User) == 0


def test_seed_repairs_winners_an_older_demo_set_loaded_as_demo_data(db, official):
    """An existing database from the earlier demo set (winners flagged demo, with an invented
    category and sectors) is corrected by the next seed run."""
    from seoul_platform.members import services as member_services
    from seoul_platform.members.schemas import AwardInput, OrganizationInput

    old = member_services.create_organization_record(
        OrganizationInput(
            kind="city",
            name="Odense",
            country="DK",
            region="europe",
            sectors=["welfare"],
            description="old demo text",
        ).model_dump(),
        is_demo=True,
    )
    member_services.record_award(
        official,
        old.id,
        AwardInput(
            year=2023,
            category="human_centricity",
            project_title=demo_data.LEAP_TITLE,
        ),
    )
    db.session.commit()
    demo.seed_demo()
    db.session.commit()
    db.session.expire_all()
    odense = db.session.scalar(select(Organization).where(Organization.name == "Odense"))
    assert not odense.is_demo and odense.public_source == demo_data.PRIZE_2023_SOURCE
    assert odense.sector_values == []
    assert [(a.category, a.project_title) for a in odense.awards] == [(None, demo_data.LEAP_TITLE)]
    assert "denmark" in odense.search_text


# ---- pilots ----------------------------------------------------------------------------------

PILOT_MODELS = (PilotRequest, Interest, Partnership, Milestone, Kpi, KpiValue, StateChange)


def _pilot_counts(db) -> dict[str, int]:
    return {model.__name__: _count(db, model) for model in PILOT_MODELS}


def test_pilots_demo_has_every_request_state(db, seeded):
    reqs = list(db.session.scalars(select(PilotRequest)))
    assert {r.status for r in reqs} == set(RequestStatus)
    assert all(r.is_demo and r.city.is_demo and r.city.public_source == "" for r in reqs)
    assert len({r.city_id for r in reqs}) >= 8
    assert {r.city.region for r in reqs} == set(Region)
    assert len({r.currency for r in reqs}) >= 5
    # Every move is in the history, dated in the past, as the services wrote it.
    for req in reqs:
        moves = list(
            db.session.scalars(
                select(StateChange).where(
                    StateChange.subject_type == "pilot_request", StateChange.subject_id == req.id
                )
            )
        )
        if req.status == RequestStatus.DRAFT:
            assert moves == []
        else:
            assert moves[-1].to_state == req.status.value


def test_pilots_demo_has_an_open_call_with_three_proposals(db, seeded):
    from seoul_platform.db import as_utc, utcnow

    open_calls = list(
        db.session.scalars(select(PilotRequest).where(PilotRequest.status == RequestStatus.OPEN))
    )
    assert open_calls
    call = open_calls[0]
    assert as_utc(call.deadline) > utcnow()
    proposals = list(db.session.scalars(select(Interest).where(Interest.request_id == call.id)))
    assert len(proposals) >= 3 and all(p.is_demo for p in proposals)
    company = db.session.scalar(
        select(User).where(User.email == "company-admin@demo.seoul.example")
    )
    assert company.organization_id in {p.organization_id for p in proposals}
    closed = db.session.scalar(
        select(PilotRequest).where(PilotRequest.status == RequestStatus.CLOSED)
    )
    statuses = list(
        db.session.scalars(select(Interest.status).where(Interest.request_id == closed.id))
    )
    assert "shortlisted" in statuses and len(statuses) >= 3
    assert as_utc(closed.closed_at) < utcnow()


def test_pilots_demo_partnerships_have_milestones_and_kpi_values(db, seeded):
    partnerships = list(db.session.scalars(select(Partnership)))
    assert len(partnerships) >= 2 and all(p.is_demo for p in partnerships)
    with_work = [p for p in partnerships if p.milestones and p.reports]
    assert len(with_work) >= 2
    statuses = {m.status for p in partnerships for m in p.milestones}
    assert {MilestoneStatus.DONE, MilestoneStatus.DELAYED} <= statuses
    for p in with_work:
        kpis = list(db.session.scalars(select(Kpi).where(Kpi.request_id == p.request_id)))
        assert kpis and all(k.target is not None and len(k.values) >= 2 for k in kpis)
        assert all(v.source for k in kpis for v in k.values)
    assert any(p.third_party_id is not None for p in partnerships)
    completed = [p for p in partnerships if p.request.status == RequestStatus.COMPLETED]
    assert completed and completed[0].outcome_summary and completed[0].lessons_learned


def test_pilots_demo_result_is_public(app, db, seeded):
    published = db.session.scalar(
        select(PilotRequest).where(PilotRequest.published_at.is_not(None))
    )
    assert published is not None and published.publish_consent
    page = app.test_client().get("/results")
    assert page.status_code == 200
    assert published.title in page.get_data(as_text=True)


def test_pilots_demo_is_idempotent(db, seeded):
    before = _pilot_counts(db)
    demo.seed_demo()
    db.session.commit()
    assert _pilot_counts(db) == before
    titles = [s["request"]["title"] for s in PILOT_STORIES]
    assert _count(db, PilotRequest) == len(titles) == len(set(titles))


def test_pilots_demo_notifies_no_real_person(db, make, official):
    from seoul_platform.notifications.models import Notification

    demo.seed_demo()
    db.session.commit()
    assert _count(db, Notification, Notification.user_id == official.id) == 0
    assert _count(db, Notification) > 0  # the demo people got theirs


def test_remove_demo_removes_the_pilots(db, seeded):
    assert _count(db, PilotRequest) > 0
    demo.remove_demo()
    db.session.commit()
    for name, n in _pilot_counts(db).items():
        if name == "StateChange":
            subjects = StateChange.subject_type.in_(("pilot_request", "interest"))
            assert _count(db, StateChange, subjects) == 0
        else:
            assert n == 0, name


def test_no_pilots_on_real_organisations(db, seeded):
    real = select(Organization.id).where(Organization.public_source != "")
    assert _count(db, PilotRequest, PilotRequest.city_id.in_(real)) == 0
    assert _count(db, Interest, Interest.organization_id.in_(real)) == 0
    assert _count(db, Partnership, Partnership.partner_id.in_(real)) == 0
