"""Invitation letters for visa applications.

An enrolled (or completed) participant — or an admin of their organisation, or an official —
downloads a printable letter naming the person, their organisation and country, the cohort,
the programme, the dates, the place and address and the issuing office, with a verification
code (``Enrollment.letter_code``, ``secrets.token_urlsafe(24)``: 192 bits). The code is made
the first time the letter is needed if the enrollment has none yet. The public verification
(`verification`) shows only the name, cohort, programme, dates and whether the letter is
valid: it is valid while the person is enrolled (or has completed the cohort).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..db import db
from ..errors import NotFound, PermissionDenied
from . import permissions
from .action_plans import get_enrollment
from .certificates import _valid_code, new_code
from .models import Cohort, Enrollment, EnrollmentStatus

LETTER_STATES = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED)


def get_letter(actor: User | None, enrollment_id: int) -> Enrollment:
    """The enrollment whose letter ``actor`` may download, with its code set.

    404 when the actor may not see the enrollment; 403 when they may, but the person is not
    (or no longer) enrolled: only participants with a seat are invited."""
    enrollment = get_enrollment(actor, enrollment_id)
    if enrollment.status not in LETTER_STATES:
        raise PermissionDenied(_("Only enrolled participants receive an invitation letter."))
    if enrollment.letter_code is None:
        # Set once: a concurrent first download keeps the code that was written first.
        db.session.execute(
            update(Enrollment)
            .where(Enrollment.id == enrollment.id, Enrollment.letter_code.is_(None))
            .values(letter_code=new_code())
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(enrollment, ["letter_code"])
    return enrollment


def find(code: str) -> Enrollment:
    if not _valid_code(code):
        raise NotFound(_("No invitation letter has this verification code."))
    enrollment = db.session.scalar(
        select(Enrollment)
        .where(Enrollment.letter_code == code)
        .options(
            joinedload(Enrollment.user),
            joinedload(Enrollment.cohort).joinedload(Cohort.programme),
        )
    )
    if enrollment is None:
        raise NotFound(_("No invitation letter has this verification code."))
    return enrollment


def verification(enrollment: Enrollment) -> dict:
    """What anyone may know about a letter: exactly these keys."""
    cohort = enrollment.cohort
    return {
        "code": enrollment.letter_code,
        "holder_name": enrollment.user.name if enrollment.user else "",
        "cohort": cohort.title,
        "programme": cohort.programme.title,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "status": "valid" if enrollment.status in LETTER_STATES else "invalid",
    }


def can_download(actor: User | None, enrollment: Enrollment) -> bool:
    return permissions.can_view_enrollment(actor, enrollment) and (
        enrollment.status in LETTER_STATES
    )
