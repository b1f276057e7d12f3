"""Who may see and do what in training. One place; views, the API and services ask here
(services pass the roles to `lifecycle.transition`).

- Officials run the programme: they see and manage every programme, cohort, enrollment,
  attendance record, action plan, certificate and feedback aggregate.
- A **published** (or later) cohort is seen by every active member; a draft only by officials.
- An enrollment is seen by its person, by the admins of its organisation (who may apply and
  withdraw for a colleague) and by officials; never by other participants.
- Feedback is anonymous to participants; officials see aggregates and unsigned comments.
- A certificate's public verification shows name, cohort, dates and status only.
"""

from __future__ import annotations

from ..accounts.models import OrgRole, User, UserStatus
from . import lifecycle
from .models import Cohort, CohortStatus, Enrollment


def _active(actor: User | None) -> bool:
    return actor is not None and actor.status == UserStatus.ACTIVE


def is_official(actor: User | None) -> bool:
    return _active(actor) and actor.is_official


def can_manage_training(actor: User | None) -> bool:
    """Create and edit programmes, cohorts, sessions and quotas; decide applications."""
    return is_official(actor)


def can_view_cohort(actor: User | None, cohort: Cohort) -> bool:
    if is_official(actor):
        return True
    return _active(actor) and cohort.status != CohortStatus.DRAFT


def acts_for(actor: User | None, person: User | None) -> bool:
    """``actor`` is ``person``, or an admin of ``person``'s organisation."""
    if not _active(actor) or person is None:
        return False
    if actor.id == person.id:
        return True
    return (
        actor.org_role == OrgRole.ADMIN
        and actor.organization_id is not None
        and actor.organization_id == person.organization_id
    )


def enrollment_roles(actor: User | None, enrollment: Enrollment) -> set[str]:
    """The lifecycle roles ``actor`` holds for ``enrollment`` (empty for outsiders)."""
    roles: set[str] = set()
    if not _active(actor):
        return roles
    if actor.is_official:
        roles.add(lifecycle.OFFICIAL)
    if acts_for(actor, enrollment.user):
        roles.add(lifecycle.PARTICIPANT)
    return roles


def can_view_enrollment(actor: User | None, enrollment: Enrollment) -> bool:
    return bool(enrollment_roles(actor, enrollment))
