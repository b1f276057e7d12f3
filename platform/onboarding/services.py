"""How people arrive: invitations from officials, and join requests that officials vet."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts import services as accounts
from ..accounts.models import OrgRole, User, UserStatus
from ..accounts.passwords import hash_password
from ..accounts.services import (
    check_password_policy,
    create_user,
    email_lookalike,
    is_registrable_email,
    list_officials,
    normalize_email,
    unregistrable_email,
)
from ..accounts.tokens import digest, new_secret
from ..audit.services import record_event
from ..db import as_utc, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..lifecycle import N_, transition
from ..mail.services import queue_email
from ..members.models import OrgKind, OrgStatus
from ..members.permissions import can_invite_member
from ..members.services import create_organization_record, decide_organization, find_organization
from ..notifications.services import notify
from ..pagination import Page, PageQuery, paginate
from . import lifecycle
from .invitations import (
    erase_invitation_addresses,
    revoke_invitations_sent_by,
    revoke_open_invitations,
    send_invitation_email,
)
from .models import Invitation, InvitationStatus, JoinRequest, JoinRequestStatus


def _require_official(actor: User) -> None:
    if not actor.is_official:
        raise PermissionDenied(_("Only Seoul officials may do this."))


def create_invitation(
    actor: User, *, email: str, organization_id: int, org_role: OrgRole = OrgRole.MEMBER
) -> tuple[Invitation, str]:
    """An official (or an org admin, for colleagues) invites a person to an organisation.
    Earlier open invitations for the same address and organisation are revoked. Queues the
    e-mail. Returns the invitation and the raw token (shown to nobody but the e-mail).
    Raises Conflict if the address already has an account, NotFound for an unknown
    organisation."""
    email = normalize_email(email)
    org = find_organization(organization_id)
    if org.status != OrgStatus.ACTIVE:
        raise Conflict(_("This organisation is not active."))
    if not can_invite_member(actor, org, org_role):
        raise PermissionDenied(_("You may not invite people to this organisation."))
    accounts.check_new_account_email(email)
    # A new invitation replaces the open ones for the same address and organisation.
    revoke_open_invitations(
        [Invitation.email == email, Invitation.organization_id == org.id],
        actor=actor,
        reason="replaced by a new invitation",
    )
    raw, hashed = new_secret()
    invitation = Invitation(
        email=email,
        organization_id=org.id,
        org_role=org_role,
        token_hash=hashed,
        invited_by_id=actor.id,
        expires_at=utcnow() + current_app.config["INVITATION_LIFETIME"],
    )
    db.session.add(invitation)
    db.session.flush()
    send_invitation_email(invitation, org, actor, raw)
    record_event(
        "invitation.created",
        actor_id=actor.id,
        target_type="invitation",
        target_id=invitation.id,
        detail={"organization_id": org.id},
    )
    return invitation, raw


def get_open_invitation(raw: str) -> Invitation:
    """The invitation behind a link, if it can still be accepted; else Conflict/NotFound."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == digest(raw[:100]))
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.status == InvitationStatus.ACCEPTED:
        raise Conflict(_("This invitation was already accepted. Sign in instead."))
    if invitation.status != InvitationStatus.OPEN or as_utc(invitation.expires_at) < utcnow():
        raise Conflict(_("This invitation has expired. Ask a Seoul official for a new one."))
    return invitation


def accept_invitation(raw: str, *, name: str, password: str) -> User:
    """Create the invitee's account. The invitation is consumed with a compare-and-set, so
    concurrent accepts of one link create exactly one account; the losers get Conflict."""
    invitation = get_open_invitation(raw)
    name = name.strip()
    if not name:
        raise ValidationError(_("Enter your name."), {"name": [_("Enter your name.")]})
    check_password_policy(password, email=invitation.email, name=name)
    password_hash = hash_password(password)  # slow: done before taking the row
    now = utcnow()
    change = transition(
        lifecycle.INVITATION,
        Invitation,
        invitation.id,
        expected=InvitationStatus.OPEN,
        to=InvitationStatus.ACCEPTED,
        actor=None,  # the account is created below; the history names it then
        roles={lifecycle.INVITEE},
        values={"accepted_at": now},
        where=[Invitation.expires_at >= now],
        where_message=N_("This invitation has expired. Ask a Seoul official for a new one."),
    )
    user = create_user(
        email=invitation.email,
        name=name,
        password=None,
        organization_id=invitation.organization_id,
        org_role=invitation.org_role,
    )
    user.password_hash = password_hash
    invitation.accepted_user_id = user.id
    change.actor_id = user.id
    if invitation.invited_by is not None:
        notify(
            [invitation.invited_by],
            "invitation.accepted",
            {"name": user.name, "organization": invitation.organization.name},
            link=f"/organizations/{invitation.organization_id}",
            about=user,
        )
    record_event(
        "invitation.accepted", actor_id=user.id, target_type="invitation", target_id=invitation.id
    )
    return user


def apply_to_join(
    org_fields: dict, *, name: str, email: str, password: str, motivation: str, ip: str = ""
) -> JoinRequest | None:
    """A company or institution applies: creates the organisation (pending), the applicant's
    account (pending, org admin) and the join request; tells the officials by e-mail.
    ``org_fields`` is an OrganizationInput-shaped dict already validated by the caller.

    The answer must not tell an anonymous caller who is registered, so the outcome depends
    only on the input's own validity (kind, password policy, address form: ValidationError),
    never on the database:

    * the address (or a look-alike of it) already has an account → nothing is created, the
      holder gets an e-mail saying someone tried, and None is returned; the caller answers
      exactly as for a new application. The password is still hashed, so timing is alike.
    * a concurrent application with the same address wins the race → None as well.
    * the organisation's name (or a look-alike) is already used → accepted all the same: a
      pending application reserves no name, a declined one frees it, and officials see the
      possible duplicate (members.services.possible_duplicates) and decide; approving it
      while an active organisation holds the name is refused then (Conflict), to the
      official, who may see it. Refusing here would reveal pending or declined applicants.
    """
    if org_fields.get("kind") not in (
        OrgKind.COMPANY,
        OrgKind.INSTITUTION,
        "company",
        "institution",
    ):
        raise ValidationError(
            _("Only companies and institutions can apply; cities are invited."),
            {"kind": [_("Only companies and institutions can apply; cities are invited.")]},
        )
    email = normalize_email(email)
    if not is_registrable_email(email):
        raise unregistrable_email()
    check_password_policy(password, email=email, name=name)
    holder = email_lookalike(email)
    if holder is not None:
        hash_password(password)  # the same work as a real application
        _tell_holder(holder, tried=email)
        record_event(
            "join_request.existing_address", ip=ip, target_type="user", target_id=holder.id
        )
        return None
    try:
        with db.session.begin_nested():
            org = create_organization_record(org_fields, status=OrgStatus.PENDING)
            user = create_user(
                email=email,
                name=name,
                password=password,
                organization_id=org.id,
                org_role=OrgRole.ADMIN,
                status=UserStatus.PENDING,
            )
    except Conflict:  # the same address applied at the same moment and won
        return None
    request = JoinRequest(
        organization_id=org.id, applicant_id=user.id, motivation=motivation.strip()
    )
    db.session.add(request)
    db.session.flush()
    for official in list_officials():
        queue_email(
            official.email,
            _l("New request to join: %(name)s", name=org.name),
            template="emails/join_request_official.txt",
            context={
                "organization": {"id": org.id, "name": org.name, "country": org.country},
                "join_request": {"id": request.id, "motivation": request.motivation},
            },
            locale=official.locale,
            kind="join_request",
        )
    record_event(
        "join_request.created",
        actor_id=user.id,
        ip=ip,
        target_type="join_request",
        target_id=request.id,
    )
    return request


def join_received_message() -> str:
    return _(
        "Thank you for applying. A Seoul official will review the request; the applicant "
        "will receive an e-mail when it is decided, and can sign in meanwhile to follow it."
    )


def _tell_holder(holder: User, *, tried: str) -> None:
    queue_email(
        holder.email,
        _l("Someone tried to apply with your e-mail address"),
        template="emails/join_attempt.txt",
        context={
            "user": {"name": holder.name},
            "tried": tried,
            "link": f"{current_app.config['PUBLIC_BASE_URL']}/forgot-password",
        },
        locale=holder.locale,
        kind="join_attempt",
    )


def decide_join_request(
    actor: User, request_id: int, *, approve: bool, reason: str = ""
) -> JoinRequest:
    """An official approves or declines. Compare-and-set on the pending status (see
    onboarding/lifecycle.py): of concurrent decisions exactly one applies and writes history;
    the others get Conflict naming the decision taken. The applicant's account moves with it
    (pending -> active or declined)."""
    _require_official(actor)
    request = db.session.get(JoinRequest, request_id)
    if request is None:
        raise NotFound(_("No such join request."))
    if not approve and not reason.strip():
        raise ValidationError(
            _("Give a reason for declining."), {"reason": [_("Give a reason for declining.")]}
        )
    status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    transition(
        lifecycle.JOIN_REQUEST,
        JoinRequest,
        request_id,
        expected=JoinRequestStatus.PENDING,
        to=status,
        actor=actor,
        roles={lifecycle.OFFICIAL},
        reason=reason,
        values={"reason": reason.strip(), "decided_by_id": actor.id, "decided_at": utcnow()},
    )
    org = request.organization
    applicant = request.applicant
    decide_organization(org, approve=approve)  # approval takes the name (Conflict if taken)
    if applicant is not None and applicant.status != UserStatus.DELETED:
        # The applicant's account follows the decision; this is the only way out of pending.
        accounts.settle_applicant(
            actor, applicant, approved=approve, reason=f"join request {request.id} {status.value}"
        )
        notify(
            [applicant],
            f"join_request.{status.value}",
            {"organization": org.name},
            link=f"/organizations/{org.id}" if approve else "",
        )
        queue_email(
            applicant.email,
            _l("Your request to join was approved")
            if approve
            else _l("Your request to join was declined"),
            template="emails/join_request_decided.txt",
            context={
                "organization": {"id": org.id, "name": org.name},
                "approved": approve,
                "reason": reason.strip(),
            },
            locale=applicant.locale,
            kind="join_request_decided",
        )
    record_event(
        f"join_request.{status.value}",
        actor_id=actor.id,
        target_type="join_request",
        target_id=request.id,
    )
    return request


def list_join_requests(status: JoinRequestStatus | None, page: PageQuery) -> Page[JoinRequest]:
    from sqlalchemy.orm import selectinload

    stmt = select(JoinRequest)
    if status is not None:
        stmt = stmt.where(JoinRequest.status == status)
    stmt = stmt.options(selectinload(JoinRequest.organization), selectinload(JoinRequest.applicant))
    return paginate(stmt.order_by(JoinRequest.id.desc()), page)


# ---- receivers of accounts' signals (connected by create_app; see accounts/signals.py) ----


def forget_person(user: User, *, old_email: str, **_ignored) -> None:
    """account_deleted: the invitations addressed to the person and those they sent lose the
    address; the open ones are revoked."""
    erase_invitation_addresses(user, old_email)


def revoke_invitations_of_disabled(user: User, *, actor: User | None, **_ignored) -> None:
    """account_disabled: a sender who is disabled stops vouching for anyone."""
    revoke_invitations_sent_by(user, actor=actor, reason="sender disabled")


def explain_refusal(user: User, **_ignored) -> tuple[str, str] | None:
    """account_refusal_requested: an applicant whose join request was declined is told so,
    with the official's reason."""
    declined = db.session.scalar(
        select(JoinRequest)
        .where(
            JoinRequest.applicant_id == user.id,
            JoinRequest.status == JoinRequestStatus.DECLINED,
        )
        .order_by(JoinRequest.decided_at.desc())
        .limit(1)
    )
    return ("declined", declined.reason) if declined is not None else None


def export_person(user: User, **_ignored) -> dict:
    """personal_data_requested: the person's join requests and the invitations they sent."""
    join = db.session.scalars(select(JoinRequest).where(JoinRequest.applicant_id == user.id))
    invitations = db.session.scalars(select(Invitation).where(Invitation.invited_by_id == user.id))
    return {
        "join_requests": [
            {
                "id": j.id,
                "status": j.status.value,
                "motivation": j.motivation,
                "created_at": _iso(j.created_at),
            }
            for j in join
        ],
        "invitations_sent": [
            {
                "email": i.email,
                "organization_id": i.organization_id,
                "created_at": _iso(i.created_at),
            }
            for i in invitations
        ],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
