"""Completion and certificates.

A participant completes a cohort when their attendance rate reaches the cohort's threshold
(training/attendance.py: sessions present / sessions) AND their action plan is accepted.
"Issue certificates" (an official, on the completion page) moves every enrolled participant
who meets both to completed (`lifecycle.ENROLLMENT`, enrolled -> completed, which frees the
seat on the cohort's counter under `seats.lock_cohort`) and gives each one certificate.
Issuing twice issues none twice: the cohort lock serialises concurrent clicks, the
compare-and-set moves each person once, and ``certificates.enrollment_id`` is unique.

A certificate's ``code`` is ``secrets.token_urlsafe(24)`` (192 bits, 32 characters); the public
verification (`verification`) shows only the holder's name, the cohort, the programme, the
dates and the status (valid, or revoked with the date). Officials revoke with a reason.
When the holder deletes their account, ``holder_name`` becomes the anonymised name.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..db import as_utc, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..lifecycle import transition
from ..notifications.services import notify
from ..pagination import Page, PageQuery, paginate
from . import attendance, lifecycle, permissions, seats
from .action_plans import plans_of
from .models import (
    ActionPlan,
    ActionPlanStatus,
    Certificate,
    Cohort,
    Enrollment,
    EnrollmentStatus,
)

CODE_BYTES = 24  # 192 bits, >= 128 as the rules ask
CODE_MAX = 64  # the column's length: a longer code cannot exist
DELETED_NAME = "Deleted member"  # accounts/privacy.py's marker of a deleted account
REASON_MAX = 2000


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def _require_official(actor: User | None, message: str) -> None:
    if not permissions.can_manage_training(actor):
        raise PermissionDenied(message)


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.scalar(
        select(Cohort).where(Cohort.id == cohort_id).options(joinedload(Cohort.programme))
    )
    if cohort is None:
        raise NotFound(_("This cohort does not exist."))
    return cohort


@dataclass(frozen=True)
class CompletionRow:
    enrollment: Enrollment
    rate: attendance.Rate
    plan: ActionPlan | None
    certificate: Certificate | None
    threshold: int

    @property
    def attendance_met(self) -> bool:
        return self.rate.meets(self.threshold)

    @property
    def plan_accepted(self) -> bool:
        return self.plan is not None and self.plan.status == ActionPlanStatus.ACCEPTED

    @property
    def eligible(self) -> bool:
        return self.attendance_met and self.plan_accepted


def completion(
    actor: User | None, cohort_id: int, query: PageQuery
) -> tuple[Cohort, Page, list[CompletionRow]]:
    """One page of the cohort's participants with rate, plan and certificate (a fixed number
    of statements whatever the page's size)."""
    _require_official(actor, _("Only Seoul officials see the completion of a cohort."))
    cohort = _cohort(cohort_id)
    page = paginate(attendance.roster_statement(cohort_id), query)
    ids = [e.id for e in page.items]
    rates = attendance.rates(cohort_id, ids)
    plans = plans_of(ids)
    certs = _certificates_of(ids)
    rows = [
        CompletionRow(e, rates[e.id], plans.get(e.id), certs.get(e.id), cohort.attendance_threshold)
        for e in page.items
    ]
    return cohort, page, rows


def _certificates_of(ids) -> dict[int, Certificate]:
    if not ids:
        return {}
    return {
        c.enrollment_id: c
        for c in db.session.scalars(select(Certificate).where(Certificate.enrollment_id.in_(ids)))
    }


def issue_certificates(actor: User | None, cohort_id: int) -> list[Certificate]:
    """Complete and certify every participant who meets both conditions; returns the new
    certificates (empty on a second click)."""
    _require_official(actor, _("Only Seoul officials issue certificates."))
    seats.lock_cohort(cohort_id)  # concurrent clicks on the same cohort run one after the other
    cohort = _cohort(cohort_id)
    candidates = list(
        db.session.scalars(
            select(Enrollment)
            .where(
                Enrollment.cohort_id == cohort_id,
                Enrollment.status.in_(attendance.ROSTER_STATES),
            )
            .options(joinedload(Enrollment.user))
            .order_by(Enrollment.ticket)
        )
    )
    ids = [e.id for e in candidates]
    rates = attendance.rates(cohort_id, ids)
    plans = plans_of(ids)
    certified = set(_certificates_of(ids))
    issued: list[tuple[Certificate, Enrollment]] = []
    now = utcnow()
    for enrollment in candidates:
        plan = plans.get(enrollment.id)
        if enrollment.id in certified or enrollment.user is None:
            continue
        if not rates[enrollment.id].meets(cohort.attendance_threshold):
            continue
        if plan is None or plan.status != ActionPlanStatus.ACCEPTED:
            continue
        if enrollment.status == EnrollmentStatus.ENROLLED:
            transition(
                lifecycle.ENROLLMENT,
                Enrollment,
                enrollment.id,
                expected="enrolled",
                to="completed",
                actor=actor,
                roles={lifecycle.OFFICIAL},
                reason="attendance and action plan",
            )
        certificate = Certificate(
            enrollment_id=enrollment.id,
            code=new_code(),
            holder_name=enrollment.user.name[:120],
            issued_at=now,
            issued_by_id=actor.id,
        )
        db.session.add(certificate)
        issued.append((certificate, enrollment))
    db.session.flush()
    for certificate, enrollment in issued:
        notify(
            [enrollment.user],
            "certificate.issued",
            {"cohort": cohort.title},
            f"/training/certificates/{certificate.code}",
        )
    return [certificate for certificate, _enrollment in issued]


def _valid_code(code: str) -> bool:
    return 0 < len(code) <= CODE_MAX and all(c.isalnum() or c in "-_" for c in code)


def find(code: str) -> Certificate:
    """The certificate with this code (NotFound for an unknown or malformed code)."""
    if not _valid_code(code):
        raise NotFound(_("No certificate has this verification code."))
    certificate = db.session.scalar(
        select(Certificate)
        .where(Certificate.code == code)
        .options(
            joinedload(Certificate.enrollment)
            .joinedload(Enrollment.cohort)
            .joinedload(Cohort.programme)
        )
    )
    if certificate is None:
        raise NotFound(_("No certificate has this verification code."))
    return certificate


def get_for_page(actor: User | None, code: str) -> Certificate:
    """The certificate page: its holder and officials (others: 404, as for an unknown code)."""
    certificate = find(code)
    holder = certificate.enrollment.user_id
    if not (permissions.is_official(actor) or (actor is not None and actor.id == holder)):
        raise NotFound(_("No certificate has this verification code."))
    return certificate


def verification(certificate: Certificate) -> dict:
    """What anyone may know about a certificate: exactly these keys."""
    cohort = certificate.enrollment.cohort
    return {
        "code": certificate.code,
        "holder_name": certificate.holder_name,
        "cohort": cohort.title,
        "programme": cohort.programme.title,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "issued_on": as_utc(certificate.issued_at).date(),
        "status": "revoked" if certificate.revoked_at else "valid",
        "revoked_on": as_utc(certificate.revoked_at).date() if certificate.revoked_at else None,
    }


def revoke(actor: User | None, code: str, reason: str) -> Certificate:
    _require_official(actor, _("Only Seoul officials revoke certificates."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the reason for revoking."), {"reason": [_("Give the reason for revoking.")]}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("The reason is too long."), {"reason": [_("At most 2000 characters.")]}
        )
    certificate = find(code)
    moved = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=actor.id, revoked_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Conflict(_("This certificate is already revoked."))
    db.session.refresh(certificate)
    holder = certificate.enrollment.user
    if holder is not None:
        notify(
            [holder],
            "certificate.revoked",
            {"cohort": certificate.enrollment.cohort.title, "reason": reason[:300]},
            f"/training/certificates/{certificate.code}",
        )
    return certificate


def forget_person(user: User, **_ignored) -> None:
    """account_deleted: certificates no longer name the person; their letters stop verifying."""
    ids = select(Enrollment.id).where(Enrollment.user_id == user.id)
    db.session.execute(
        update(Certificate)
        .where(Certificate.enrollment_id.in_(ids))
        .values(holder_name=DELETED_NAME)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Enrollment)
        .where(Enrollment.user_id == user.id)
        .values(letter_code=None)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
