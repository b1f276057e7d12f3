"""Organisations, awards and the directory."""

from __future__ import annotations

import functools
import re
import unicodedata

from babel import Locale
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..accounts.models import User, UserStatus
from ..audit.services import record_event
from ..db import db
from ..errors import Conflict, NotFound, PermissionDenied
from ..pagination import Page, paginate
from ..text import skeleton_hash
from .models import (
    Award,
    Organization,
    OrganizationSector,
    OrganizationTechnology,
    OrgKind,
    OrgStatus,
    Sector,
)
from .permissions import (
    can_create_organization,
    can_edit_organization,
    can_record_award,
    can_view_organization,
)
from .schemas import AwardInput, DirectoryQuery, OrganizationInput, OrganizationPatch


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search ("Uğur" matches "ugur")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _name_key(name: str) -> str:
    return " ".join(fold(name).split())


_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script; the rest separates words
_QUOTES = '"\u201c\u201d\u201e\u00ab\u00bb'  # straight, curly and angle quotation marks
_QUOTED = re.compile(f"[{_QUOTES}]([^{_QUOTES}]*)[{_QUOTES}]?")


def search_words(text: str) -> list[str]:
    """The folded words of ``text``: hyphens, quotes and punctuation separate words, so
    "Tech-InnovaCity" is "tech innovacity" both in the index and in a query."""
    return _WORD.findall(fold(text))


def search_terms(query: str) -> list[str]:
    """A query as the substrings the index must contain: a quoted phrase or a hyphenated
    word ("digital-twin") is one term of consecutive words; other words are a term each."""
    terms: list[str] = []
    rest = _QUOTED.sub(lambda m: terms.append(" ".join(search_words(m.group(1)))) or " ", query)
    for chunk in rest.split():
        words = search_words(chunk)
        if words:
            terms.append(" ".join(words))
    return [t for t in terms if t]


def _search_languages() -> tuple[str, ...]:
    return tuple(current_app.config.get("LANGUAGES", {"en": "English"}))


@functools.cache
def _labels_in(language: str) -> dict[str, dict[str, str]]:
    """Kind, sector and award-category labels in one language (they are searchable)."""
    from .labels import AWARD_CATEGORY_LABELS, KIND_LABELS, SECTOR_LABELS

    with force_locale(language):
        return {
            "kind": {k: str(v) for k, v in KIND_LABELS.items()},
            "sector": {k: str(v) for k, v in SECTOR_LABELS.items()},
            "award": {k: str(v) for k, v in AWARD_CATEGORY_LABELS.items()},
        }


def _country_names(code: str) -> list[str]:
    names = [code]
    for language in _search_languages():
        name = Locale.parse(language).territories.get(code.upper())
        if name:
            names.append(name)
    return names


def refresh_search_text(org: Organization) -> None:
    """Index everything a member may search for: the profile's text, the country's and the
    kind's, sectors' and award categories' names in every supported language."""
    parts = [
        org.name,
        org.description,
        *_country_names(org.country),
        org.kind.value,
        " ".join(org.challenges or []),
        " ".join(org.technology_values),
        " ".join(f"{a.project_title} {a.laureate_name} {a.partner}" for a in org.awards),
    ]
    for language in _search_languages():
        labels = _labels_in(language)
        parts.append(labels["kind"].get(org.kind.value, ""))
        parts.extend(labels["sector"].get(s, s) for s in org.sector_values)
        parts.extend(labels["award"].get(a.category.value, "") for a in org.awards if a.category)
    org.search_text = " ".join(search_words(" ".join(p for p in parts if p)))


def _apply_fields(org: Organization, fields: dict) -> None:
    simple = (
        "name",
        "country",
        "region",
        "languages",
        "website",
        "description",
        "challenges",
        "development_stage",
        "population",
        "size",
    )
    for key in simple:
        if key in fields:
            setattr(org, key, fields[key])
    if "name" in fields:
        org.name_key = _name_key(fields["name"])
        org.name_skeleton = skeleton_hash(fields["name"])
        _sync_claim(org)
    if "sectors" in fields:
        wanted = [Sector(s) for s in fields["sectors"]]
        org.sectors = [s for s in org.sectors if s.sector in wanted] + [
            OrganizationSector(sector=s) for s in wanted if s not in org.sector_values
        ]
    if "technologies" in fields:
        wanted_t = list(fields["technologies"])
        org.technologies = [t for t in org.technologies if t.technology in wanted_t] + [
            OrganizationTechnology(technology=t) for t in wanted_t if t not in org.technology_values
        ]


def _sync_claim(org: Organization) -> None:
    # Only an active organisation holds its name; see Organization.name_claim.
    org.name_claim = org.name_skeleton if org.status == OrgStatus.ACTIVE else None


def _name_conflict(name: str, exclude_id: int | None = None) -> bool:
    """Whether an active organisation already holds ``name`` or a look-alike of it."""
    stmt = select(Organization.id).where(Organization.name_claim == skeleton_hash(name))
    if exclude_id is not None:
        stmt = stmt.where(Organization.id != exclude_id)
    return db.session.scalar(stmt) is not None


def claim_name(org: Organization) -> None:
    """Make ``org`` hold its name (or give it up) after a status change. Flushes; raises
    Conflict when an active organisation already holds the name or a look-alike."""
    _sync_claim(org)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise _duplicate_name() from exc


def decide_organization(org: Organization, *, approve: bool) -> None:
    """The outcome of vetting (called by onboarding when an official decides the join
    request): the organisation becomes active and takes its name, or is declined and frees
    it. Flushes; Conflict when an active organisation already holds the name."""
    org.status = OrgStatus.ACTIVE if approve else OrgStatus.DECLINED
    claim_name(org)


def detach_laureate(user_id: int) -> None:
    """A person's account is deleted: awards keep the laureate's name, not the account."""
    db.session.execute(
        update(Award).where(Award.laureate_user_id == user_id).values(laureate_user_id=None)
    )


def possible_duplicates(orgs: list[Organization]) -> dict[int, list[Organization]]:
    """For each organisation, the other (not declined) organisations whose names look the
    same: officials see these on join requests, as possible duplicates to check."""
    keys = {o.name_skeleton for o in orgs}
    if not keys:
        return {}
    others = db.session.scalars(
        select(Organization).where(
            Organization.name_skeleton.in_(keys), Organization.status != OrgStatus.DECLINED
        )
    ).all()
    return {
        o.id: [x for x in others if x.name_skeleton == o.name_skeleton and x.id != o.id]
        for o in orgs
    }


def _duplicate_name() -> Conflict:
    message = _("An organisation with this name already exists.")
    return Conflict(message, {"name": [message]})


def create_organization_record(
    fields: dict,
    *,
    status: OrgStatus = OrgStatus.ACTIVE,
    is_demo: bool = False,
    public_source: str = "",
) -> Organization:
    """Insert an organisation from validated fields (OrganizationInput.model_dump()).
    An active one must not take the name (or a look-alike) of another active organisation:
    Conflict, also under a race (the unique claim decides). A pending application reserves
    nothing and is never refused for its name (see onboarding.apply_to_join)."""
    if status == OrgStatus.ACTIVE and _name_conflict(fields["name"]):
        raise _duplicate_name()
    org = Organization(
        kind=OrgKind(fields["kind"]), status=status, is_demo=is_demo, public_source=public_source
    )
    _apply_fields(org, fields)
    refresh_search_text(org)
    db.session.add(org)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise _duplicate_name() from exc
    return org


def create_organization(actor: User, data: OrganizationInput) -> Organization:
    """An official creates an organisation (city, company or institution). Audited."""
    if not can_create_organization(actor):
        raise PermissionDenied(_("Only Seoul officials may create organisations."))
    org = create_organization_record(data.model_dump())
    record_event(
        "organization.created", actor_id=actor.id, target_type="organization", target_id=org.id
    )
    return org


def find_organization(org_id: int) -> Organization:
    """The organisation with this id, whatever its status and whoever asks (callers check
    permissions); NotFound if there is none. Takes no lock."""
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound(_("No such organisation."))
    return org


def get_organization(actor: User | None, org_id: int) -> Organization:
    """An organisation the actor may see, with tags and awards loaded; NotFound otherwise
    (also when it exists but is hidden from the actor)."""
    org = db.session.scalar(
        select(Organization)
        .where(Organization.id == org_id)
        .options(
            selectinload(Organization.sectors),
            selectinload(Organization.technologies),
            selectinload(Organization.awards),
        )
    )
    if org is None or not can_view_organization(actor, org):
        raise NotFound(_("No such organisation."))
    return org


def update_organization(actor: User, org_id: int, patch: OrganizationPatch) -> Organization:
    """An org admin (own organisation) or an official changes a profile. Only the fields
    sent are changed; kind, status and ownership cannot be changed here. Audited."""
    org = get_organization(actor, org_id)
    if not can_edit_organization(actor, org):
        raise PermissionDenied(_("You may only edit your own organisation."))
    fields = patch.model_dump(exclude_unset=True)
    if fields.get("name") is None:
        fields.pop("name", None)
    for required in ("country", "region"):
        if required in fields and fields[required] is None:
            fields.pop(required)
    if org.kind != OrgKind.CITY:
        for key in ("development_stage", "population", "challenges"):
            fields.pop(key, None)
    if org.kind != OrgKind.COMPANY:
        fields.pop("size", None)
    for key in ("languages", "sectors", "technologies", "challenges", "website", "description"):
        if key in fields and fields[key] is None:
            fields[key] = [] if key not in ("website", "description") else ""
    if "name" in fields and _name_conflict(fields["name"], exclude_id=org.id):
        raise _duplicate_name()
    before = _field_values(org, fields)
    _apply_fields(org, fields)
    changed = sorted(k for k, v in _field_values(org, fields).items() if v != before[k])
    refresh_search_text(org)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise _duplicate_name() from exc
    if changed:  # a save without changes is not an event
        record_event(
            "organization.updated",
            actor_id=actor.id,
            target_type="organization",
            target_id=org.id,
            detail={"fields": changed},
        )
    return org


def _field_values(org: Organization, fields: dict) -> dict:
    """The comparable current values of the fields about to be written."""
    values: dict = {}
    for key in fields:
        if key == "sectors":
            values[key] = sorted(org.sector_values)
        elif key == "technologies":
            values[key] = sorted(org.technology_values)
        else:
            value = getattr(org, key, None)
            values[key] = list(value) if isinstance(value, list) else value
    return values


def record_award(actor: User, org_id: int | None, data: AwardInput) -> Award:
    """An official records a prize for an organisation (and/or a named laureate)."""
    if not can_record_award(actor):
        raise PermissionDenied(_("Only Seoul officials may record awards."))
    org = find_organization(org_id) if org_id is not None else None
    award = Award(organization=org, **data.model_dump())
    db.session.add(award)
    db.session.flush()
    if org is not None:
        db.session.refresh(org, ["awards"])
        refresh_search_text(org)
    record_event("award.recorded", actor_id=actor.id, target_type="award", target_id=award.id)
    return award


def delete_award(actor: User, award_id: int) -> None:
    if not can_record_award(actor):
        raise PermissionDenied(_("Only Seoul officials may record awards."))
    award = db.session.get(Award, award_id)
    if award is None:
        raise NotFound(_("No such award."))
    org = award.organization
    db.session.delete(award)
    db.session.flush()
    if org is not None:
        db.session.refresh(org, ["awards"])
        refresh_search_text(org)
    record_event("award.deleted", actor_id=actor.id, target_type="award", target_id=award_id)


def _directory_filter(actor: User | None, query: DirectoryQuery) -> Select:
    stmt = select(Organization)
    if actor is not None and actor.is_official:
        stmt = stmt.where(Organization.status != OrgStatus.DECLINED)
    else:
        stmt = stmt.where(Organization.status == OrgStatus.ACTIVE)
    for term in search_terms(query.q)[:8]:
        stmt = stmt.where(Organization.search_text.contains(term, autoescape=True))
    if query.kind:
        stmt = stmt.where(Organization.kind == query.kind)
    if query.region:
        stmt = stmt.where(Organization.region == query.region)
    if query.country:
        stmt = stmt.where(Organization.country == query.country)
    if query.sector:
        stmt = stmt.where(
            exists().where(
                OrganizationSector.organization_id == Organization.id,
                OrganizationSector.sector == query.sector,
            )
        )
    if query.technology:
        tech = " ".join(query.technology.lower().split())
        stmt = stmt.where(
            exists().where(
                OrganizationTechnology.organization_id == Organization.id,
                OrganizationTechnology.technology.contains(tech, autoescape=True),
            )
        )
    if query.award_year or query.award_category:
        conditions = [Award.organization_id == Organization.id]
        if query.award_year:
            conditions.append(Award.year == query.award_year)
        if query.award_category:
            conditions.append(Award.category == query.award_category)
        stmt = stmt.where(exists().where(*conditions))
    return stmt


def search_directory(actor: User | None, query: DirectoryQuery) -> Page[Organization]:
    """One page of organisations matching the query, with the total count; tags and awards
    eagerly loaded (a count, the page and three loads whatever its size)."""
    stmt = _directory_filter(actor, query).options(
        selectinload(Organization.sectors),
        selectinload(Organization.technologies),
        selectinload(Organization.awards),
    )
    return paginate(stmt.order_by(Organization.name_key, Organization.id), query)


def list_people(org: Organization, *, include_disabled: bool = False) -> list[User]:
    """The active members of an organisation (names and roles are public to members);
    officials also see disabled accounts, to enable them again."""
    statuses = [UserStatus.ACTIVE, UserStatus.DISABLED] if include_disabled else [UserStatus.ACTIVE]
    return list(
        db.session.scalars(
            select(User)
            .where(User.organization_id == org.id, User.status.in_(statuses))
            .order_by(User.org_role, User.name)
        )
    )


def platform_figures() -> dict[str, int]:
    """Counts shown on the public home page."""
    rows = db.session.execute(
        select(Organization.kind, func.count(Organization.id))
        .where(Organization.status == OrgStatus.ACTIVE)
        .group_by(Organization.kind)
    )
    counts = {kind: n for kind, n in rows}  # noqa: C416 - dict(Result) treats it as a mapping
    countries = (
        db.session.scalar(
            select(func.count(func.distinct(Organization.country))).where(
                Organization.status == OrgStatus.ACTIVE
            )
        )
        or 0
    )
    return {
        "cities": counts.get(OrgKind.CITY, 0),
        "companies": counts.get(OrgKind.COMPANY, 0),
        "institutions": counts.get(OrgKind.INSTITUTION, 0),
        "countries": countries,
    }


# ---- receivers of accounts' signals (connected by create_app; see accounts/signals.py) ----


def forget_person(user: User, **_ignored) -> None:
    """account_deleted: awards no longer name the person as their laureate."""
    detach_laureate(user.id)
