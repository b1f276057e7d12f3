"""Who may apply to a cohort, and why not.

`reasons_not_eligible` answers with every reason that stops a person (so a member sees all of
what they would need, not only the first), each a code (for the API) and a sentence (for the
pages). An empty list means they may apply. The awards that count are their organisation's and
their own (a leadership prize names a person); `awards_of` loads them once for a whole list of
cohorts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..accounts.models import User, UserStatus
from ..db import as_utc, db
from ..members.models import Award, Organization, OrgStatus
from .models import Cohort, CohortStatus

Awards = frozenset[tuple[int, str]]  # (year, category value or "")


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


def awards_of(user: User) -> Awards:
    """The (year, category) of every award of ``user``'s organisation and of ``user`` (one
    query)."""
    conditions = [Award.laureate_user_id == user.id]
    if user.organization_id is not None:
        conditions.append(Award.organization_id == user.organization_id)
    rows = db.session.execute(select(Award.year, Award.category).where(or_(*conditions))).all()
    return frozenset((year, str(category.value) if category else "") for year, category in rows)


def reasons_not_eligible(
    user: User | None,
    cohort: Cohort,
    now: datetime,
    awards: Awards | None = None,
) -> list[Reason]:
    """Why ``user`` may not apply to ``cohort`` now (empty: they may)."""
    if user is None or user.status != UserStatus.ACTIVE:
        return [Reason("not_signed_in", _("Sign in with an active account to apply."))]
    reasons: list[Reason] = []
    if user.is_official and user.organization_id is None:
        return [Reason("official", _("Seoul officials run the training; they do not apply."))]
    org: Organization | None = user.organization
    if org is None or org.status != OrgStatus.ACTIVE:
        reasons.append(
            Reason("no_organization", _("Only members of an active organisation can apply."))
        )
    if cohort.status != CohortStatus.PUBLISHED:
        reasons.append(Reason("not_open", _("This cohort does not take applications.")))
    elif cohort.application_deadline is not None and as_utc(cohort.application_deadline) <= now:
        reasons.append(Reason("deadline_passed", _("The application deadline has passed.")))
    if cohort.org_kinds and (org is None or str(org.kind.value) not in cohort.org_kinds):
        reasons.append(Reason("org_kind", _("This cohort is open to other kinds of organisation.")))
    if cohort.award_years or cohort.award_categories:
        held = awards_of(user) if awards is None else awards
        if not any(
            (not cohort.award_years or year in cohort.award_years)
            and (not cohort.award_categories or category in cohort.award_categories)
            for year, category in held
        ):
            reasons.append(
                Reason(
                    "award",
                    _("This cohort is for winners of the award years and categories it names."),
                )
            )
    return reasons
