"""Every kind of notification and its message, in one place.

The messages are marked for extraction with ``N_`` (a no-op, like ``gettext_noop``): the row
stores the English message id and translates it when read, so what is needed here is the id
itself, not a lazy string bound to the sender's language.
"""

from __future__ import annotations


def N_(message: str) -> str:
    return message


KINDS: dict[str, str] = {
    "join_request.approved": N_(
        "The request of %(organization)s to join the platform was approved. Welcome!"
    ),
    "join_request.declined": N_(
        "The request of %(organization)s to join the platform was declined."
    ),
    "invitation.accepted": N_("%(name)s accepted your invitation to join %(organization)s."),
    "account.disabled": N_("Your account was disabled by a Seoul official."),
    "account.enabled": N_("Your account was enabled again by a Seoul official."),
    "password.changed": N_(
        "Your password was changed and your other devices were signed out. If this was not "
        "you, reset your password now."
    ),
    # pilots: workspace
    "partnership.evaluation": N_("The partnership “%(title)s” is now being evaluated."),
    "partnership.reopened": N_(
        "The partnership “%(title)s” is back in progress after its evaluation: %(reason)s"
    ),
    "partnership.completed": N_("The partnership “%(title)s” is completed."),
    "partnership.report": N_(
        "%(organization)s submitted a progress report on the partnership “%(title)s”."
    ),
    "results.published": N_(
        "The outcome of the partnership “%(title)s” is published on the Results page."
    ),
    # pilots: requests
    "pilot_request.submitted": N_(
        "%(city)s submitted the pilot request “%(title)s”: it waits for a review."
    ),
    "pilot_request.changes_requested": N_(
        "Changes were requested to your pilot request “%(title)s”: %(comment)s"
    ),
    "pilot_request.rejected": N_("The pilot request “%(title)s” was rejected: %(reason)s"),
    "pilot_request.cancelled": N_("The pilot request “%(title)s” was cancelled: %(reason)s"),
    "pilot_request.opened": N_(
        "The call for proposals for “%(title)s” is open: companies and institutions can "
        "now propose."
    ),
    "pilot_request.closed": N_(
        "Proposals for “%(title)s” are closed: score them against your criteria."
    ),
    # pilots: proposals (proposals, scoring, selection, the partnership's approval).
    # "Received" names no proposer: proposals are sealed until the deadline.
    "proposal.received": N_(
        "A proposal was received for your call “%(title)s”. Proposals stay sealed until "
        "the deadline."
    ),
    "proposal.shortlisted": N_("%(city)s shortlisted your proposal for “%(title)s”."),
    "selection.made": N_(
        "%(city)s selected a partner for “%(title)s”. Please review and approve the selection."
    ),
    "selection.sent_back": N_(
        "A Seoul official sent your selection for “%(title)s” back: %(reason)s"
    ),
    "partnership.approved": N_(
        "A Seoul official approved the partnership for “%(title)s”. The work can begin."
    ),
    "proposal.not_selected": N_(
        "Thank you for your proposal to “%(title)s”. %(city)s selected another partner this "
        "time. We hope to see your proposals for other calls."
    ),
    "proposal.request_ended": N_(
        "Thank you for your proposal to “%(title)s”. This request will not go ahead, so no "
        "partner will be selected for it. We hope to see your proposals for other calls."
    ),
    # training: records
    "certificate.issued": N_(
        "You completed “%(cohort)s”: your certificate is ready to view and print."
    ),
    "certificate.revoked": N_("Your certificate for “%(cohort)s” was revoked: %(reason)s"),
    "action_plan.accepted": N_("Your action plan for “%(cohort)s” was accepted."),
    "action_plan.changes_requested": N_(
        "Changes were requested to your action plan for “%(cohort)s”: %(comment)s"
    ),
    # training: enrollment
    "training.applied": N_(
        "The application to “%(cohort)s” was received: it waits for a Seoul official's decision."
    ),
    "training.enrolled": N_("You are enrolled in “%(cohort)s”. We look forward to seeing you."),
    "training.waitlisted": N_(
        "You are on the waitlist of “%(cohort)s”, in position %(position)s. When a seat frees "
        "up, it is offered to the next person in line."
    ),
    "training.offer_made": N_(
        "A seat in “%(cohort)s” is offered to you until %(expires)s. Accept it before then, or "
        "it goes to the next person in line."
    ),
    "training.offer_expiring": N_(
        "Your offer of a seat in “%(cohort)s” expires at %(expires)s. Accept or decline it now."
    ),
    "training.offer_expired": N_(
        "Your offer of a seat in “%(cohort)s” has expired; the seat goes to the next person in "
        "line."
    ),
    "training.rejected": N_("The application to “%(cohort)s” was not accepted: %(reason)s"),
    # training: programmes and cohorts
    "training.cohort_cancelled": N_("The training cohort “%(title)s” was cancelled: %(reason)s"),
    # conversations (platform/conversations/): one unread reminder per conversation
    "conversation.message": N_("%(name)s wrote in the conversation “%(title)s”."),
}


class UnknownNotificationKind(KeyError):
    """A programming error: every kind must be declared in KINDS."""


def message_for(kind: str) -> str:
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownNotificationKind(kind) from None
