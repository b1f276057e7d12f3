"""Loading and removing the demo data set (``flask seed-demo`` / ``flask remove-demo``).

The data itself is in ``demo_data.py``. Everything is created through the same services the
web pages use (validation, name keys, search text, audit), so demo rows obey the same
invariants as real ones. Both functions only add and flush; the CLI command commits once, so
a failed seed leaves nothing half-loaded.

Idempotency is keyed on what the database already keeps unique: an organisation's
``name_key`` (its case- and accent-folded name), a person's e-mail address, and for awards
the (organisation, year, category, title, laureate) tuple. A second run finds every key and
creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Delete, delete, or_, select

from .accounts.models import ApiToken, OrgRole, PasswordReset, User, UserSession, UserStatus
from .accounts.services import create_user, normalize_email
from .audit.services import record_event
from .db import db
from .demo_data import (
    DEMO_AWARDS,
    DEMO_ORGANIZATIONS,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    PENDING_APPLICANT,
    PENDING_APPLICATION,
    PENDING_MOTIVATION,
    PRIZE_2023_AWARDS,
    PRIZE_2023_ORGANIZATIONS,
    PRIZE_2023_SOURCE,
    AwardSpec,
    OrgSpec,
    PersonSpec,
)
from .mail.models import OutboundEmail
from .members.models import (
    Award,
    Organization,
    OrganizationSector,
    OrganizationTechnology,
    OrgStatus,
)
from .members.schemas import AwardInput, OrganizationInput

# The unique key create_organization_record checks; reused so our look-up cannot drift from it.
from .members.services import (
    _apply_fields,
    _name_key,
    create_organization_record,
    record_award,
    refresh_search_text,
)
from .notifications.models import Notification
from .onboarding.models import Invitation, JoinRequest
from .onboarding.services import apply_to_join
from .pilots.demo import remove_pilots, seed_pilots
from .training.demo import remove_training, seed_training

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "remove_demo", "seed_demo"]

# (e-mail, what the account can show) for the README; all use DEMO_PASSWORD.
DEMO_ACCOUNTS: list[tuple[str, str]] = [
    (p["email"], p["role"]) for p in [*DEMO_PEOPLE, PENDING_APPLICANT]
]


@dataclass
class _Tally:
    """What one seed run created and what it found already there."""

    organizations: int = 0
    awards: int = 0
    people: int = 0
    join_requests: int = 0
    pilot_requests: int = 0
    training_cohorts: int = 0
    existing: int = 0

    def summary(self) -> str:
        emails = ", ".join(email for email, _ in DEMO_ACCOUNTS)
        return (
            f"demo data: created {self.organizations} organisations, {self.awards} awards, "
            f"{self.people} accounts, {self.join_requests} join requests, "
            f"{self.pilot_requests} pilot requests, {self.training_cohorts} training cohorts "
            f"({self.existing} already present); sign in as {emails} "
            f"with password {DEMO_PASSWORD}"
        )


def _find_org(name: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.name_key == _name_key(name)))


def _find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def _org_fields(spec: OrgSpec) -> dict:
    # Validate exactly as the forms and the API do; a typo in demo_data fails loudly here.
    return OrganizationInput(**spec).model_dump()


def _repair_public_record(org: Organization, spec: OrgSpec, public_source: str) -> None:
    """An earlier demo set loaded the real winners as demo data, with sectors and award
    categories the announcement does not give. Make them public record again (only rows
    the demo created: flagged is_demo and without a source)."""
    _apply_fields(org, {**_org_fields(spec), "sectors": list(spec.get("sectors", []))})
    org.is_demo = False
    org.public_source = public_source
    announced = {
        (a.get("category"), a.get("project_title", ""), a.get("laureate_name", ""))
        for a in PRIZE_2023_AWARDS
        if a["organization"] == spec["name"]
    }
    for award in list(org.awards):
        category = award.category.value if award.category else None
        if (category, award.project_title, award.laureate_name) not in announced:
            db.session.delete(award)
    db.session.flush()
    db.session.refresh(org, ["awards"])
    refresh_search_text(org)


def _ensure_org(spec: OrgSpec, tally: _Tally, *, public_source: str = "") -> None:
    existing = _find_org(spec["name"])
    if existing is not None:
        if public_source and existing.is_demo and not existing.public_source:
            _repair_public_record(existing, spec, public_source)
        tally.existing += 1
        return
    # A real winner is public record, not demo data: it never carries the demo flag.
    create_organization_record(
        _org_fields(spec),
        status=OrgStatus.ACTIVE,
        is_demo=not public_source,
        public_source=public_source,
    )
    tally.organizations += 1


def _ensure_award(official: User, spec: AwardSpec, tally: _Tally, *, public: bool) -> None:
    org = _find_org(spec["organization"])
    # Never decorate an organisation an official created for real under the same name, and
    # never put an invented award on a real organisation (or a public one on a demo one).
    if org is None:
        return
    if public and org.public_source != PRIZE_2023_SOURCE:
        return
    if not public and not org.is_demo:
        return
    data = AwardInput(**{k: v for k, v in spec.items() if k != "organization"})
    duplicate = db.session.scalar(
        select(Award.id).where(
            Award.organization_id == org.id,
            Award.year == data.year,
            Award.category == data.category,
            Award.project_title == data.project_title,
            Award.laureate_name == data.laureate_name,
        )
    )
    if duplicate is not None:
        tally.existing += 1
        return
    record_award(official, org.id, data)
    tally.awards += 1


def _ensure_person(spec: PersonSpec, tally: _Tally) -> User:
    existing = _find_user(spec["email"])
    if existing is not None:
        tally.existing += 1
        return existing
    org = _find_org(spec["organization"]) if "organization" in spec else None
    user = create_user(
        email=spec["email"],
        name=spec["name"],
        password=DEMO_PASSWORD,
        organization_id=org.id if org is not None else None,
        org_role=OrgRole(spec.get("org_role", "member")),
        is_official=spec.get("is_official", False),
        status=UserStatus.ACTIVE,
        is_demo=True,
        job_title=spec["job_title"],
    )
    tally.people += 1
    return user


def _ensure_pending_application(tally: _Tally) -> None:
    # Both keys must be free: apply_to_join creates the organisation and the account together.
    if (
        _find_org(PENDING_APPLICATION["name"]) is not None
        or _find_user(PENDING_APPLICANT["email"]) is not None
    ):
        tally.existing += 1
        return
    request = apply_to_join(
        _org_fields(PENDING_APPLICATION),
        name=PENDING_APPLICANT["name"],
        email=PENDING_APPLICANT["email"],
        password=DEMO_PASSWORD,
        motivation=PENDING_MOTIVATION,
    )
    if request is None:  # a look-alike of the address exists: nothing was created
        tally.existing += 1
        return
    # The onboarding service serves real applicants and has no demo flag: set it afterwards,
    # so that remove_demo and the production guard see these rows.
    request.organization.is_demo = True
    if request.applicant is not None:
        request.applicant.is_demo = True
        request.applicant.job_title = PENDING_APPLICANT["job_title"]
    db.session.flush()
    tally.organizations += 1
    tally.people += 1
    tally.join_requests += 1


def seed_demo() -> str:
    """Load the demo data set; idempotent. Returns a one-line summary for the CLI.

    Needs an application context (services render e-mail templates). Adds and flushes only.
    """
    tally = _Tally()
    official_spec, *member_specs = DEMO_PEOPLE
    # The official first: recording awards needs one, and it is a demo account itself.
    official = _ensure_person(official_spec, tally)
    for org_spec in PRIZE_2023_ORGANIZATIONS:
        _ensure_org(org_spec, tally, public_source=PRIZE_2023_SOURCE)
    for org_spec in DEMO_ORGANIZATIONS:
        _ensure_org(org_spec, tally)
    for award_spec in PRIZE_2023_AWARDS:
        _ensure_award(official, award_spec, tally, public=True)
    for award_spec in DEMO_AWARDS:
        _ensure_award(official, award_spec, tally, public=False)
    for person_spec in member_specs:
        _ensure_person(person_spec, tally)
    _ensure_pending_application(tally)
    # Pilots last: their stories act as the people and organisations created above.
    watermark = db.session.scalar(select(Notification.id).order_by(Notification.id.desc()))
    seed_pilots(tally, _ensure_person)
    # Training after the pilots: its stories act as the pilots' demo people too.
    seed_training(tally)
    # The stories notified every active official, real ones too: demo noise is kept to demo
    # people (whose notifications go with their accounts on remove-demo).
    _delete(
        delete(Notification).where(
            Notification.id > (watermark or 0),
            Notification.user_id.in_(select(User.id).where(User.is_demo.is_(False))),
        )
    )
    # Search text is derived data: rebuild it for the loaded rows, so an index written by an
    # older version (without country names or labels) is brought up to date on every run.
    for org in db.session.scalars(
        select(Organization).where(
            or_(Organization.is_demo.is_(True), Organization.public_source != "")
        )
    ):
        refresh_search_text(org)
    if (
        tally.organizations
        or tally.awards
        or tally.people
        or tally.pilot_requests
        or tally.training_cohorts
    ):
        record_event(
            "demo.seeded",
            actor_id=official.id,
            detail={
                "organizations": tally.organizations,
                "people": tally.people,
                "pilot_requests": tally.pilot_requests,
                "training_cohorts": tally.training_cohorts,
            },
        )
    db.session.flush()
    return tally.summary()


def _delete(stmt: Delete) -> int:
    # "fetch" also drops the deleted rows from the session's identity map, so a seed run in
    # the same session after a removal cannot collide with a stale object of a reused id.
    result = db.session.execute(stmt, execution_options={"synchronize_session": "fetch"})
    return result.rowcount


def remove_demo() -> int:
    """Delete every demo organisation, demo account and demo join request; returns how many
    of those rows were deleted. Adds and flushes only. The real 2023 winners (public record,
    not demo data) stay.

    Dependent rows are deleted explicitly first (an organisation's awards, sectors,
    technologies and invitations; an account's sessions, API tokens and reset links) so the
    session stays in step with the database; the foreign keys' ON DELETE rules remain the
    backstop for tables added later, and set references from rows that stay (audit events,
    non-demo people in a demo organisation) to NULL. Mail addressed to demo accounts is dropped
    from the outbox too, so it is never sent once real SMTP is configured.
    """
    demo_orgs = select(Organization.id).where(Organization.is_demo.is_(True))
    demo_users = select(User.id).where(User.is_demo.is_(True))
    demo_emails = list(db.session.scalars(select(User.email).where(User.is_demo.is_(True))))
    # Pilots first: their requests, proposals and partnerships RESTRICT deleting organisations.
    pilots = remove_pilots(demo_orgs)
    # Training before the accounts: its rows would otherwise keep anonymous demo seats.
    training = remove_training()

    requests = _delete(
        delete(JoinRequest).where(
            or_(
                JoinRequest.organization_id.in_(demo_orgs), JoinRequest.applicant_id.in_(demo_users)
            )
        )
    )
    for model in (Award, OrganizationSector, OrganizationTechnology, Invitation):
        _delete(delete(model).where(model.organization_id.in_(demo_orgs)))
    organizations = _delete(delete(Organization).where(Organization.is_demo.is_(True)))
    for model in (UserSession, ApiToken, PasswordReset):
        _delete(delete(model).where(model.user_id.in_(demo_users)))
    people = _delete(delete(User).where(User.is_demo.is_(True)))
    if demo_emails:
        _delete(delete(OutboundEmail).where(OutboundEmail.to.in_(demo_emails)))
    # Rows that stay may now hold NULL where they referenced a deleted row (ON DELETE SET NULL).
    db.session.expire_all()
    removed = requests + organizations + people + pilots + training
    if removed:
        record_event(
            "demo.removed",
            detail={
                "organizations": organizations,
                "people": people,
                "join_requests": requests,
                "pilots": pilots,
                "training": training,
            },
        )
    db.session.flush()
    return removed
