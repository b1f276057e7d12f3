"""Documents of pilots: who sees and attaches them, the upload routes, and the panels.

Three subject types, each with the rules of its pilots object (pilots/permissions.py):
- ``pilot_request``: seen by whoever sees the request; the city attaches while it may edit
  the request (draft, changes requested), officials at any time (a concept note, terms of
  reference, other documents);
- ``interest`` (a proposal): seen by whoever sees the proposal — so sealed from the city until
  the deadline, like the proposal; the proposer attaches while it may edit the proposal;
- ``milestone``: deliverables, seen by the partnership's parties and officials, attached by
  them while the partnership runs.
Deleting follows attaching; officials may also delete what they can see (moderation).
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from ..access import MEMBER, current_actor, policy
from ..api import operation
from ..db import db
from ..documents import services as document_services
from ..documents.api import upload_response
from ..documents.permissions import (
    SubjectRules,
    can_attach_document,
    register_subject,
)
from ..documents.schemas import DocumentOut, upload_form
from ..documents.views import accepts_documents, documents_page, list_context, upload_context
from . import permissions as perms
from .models import Interest, Milestone, Partnership, PilotRequest
from .panels import panel
from .views import bp

REQUEST_KINDS = ("concept_note", "terms_of_reference", "other")
INTEREST_KINDS = ("proposal", "other")
MILESTONE_KINDS = ("deliverable",)


def _official(actor) -> bool:
    return actor is not None and actor.is_official


# ---- pilot requests -------------------------------------------------------------------------


def _request(request_id: int) -> PilotRequest | None:
    return db.session.get(PilotRequest, request_id)


def _view_request(actor, request_id: int) -> bool:
    req = _request(request_id)
    return req is not None and perms.can_view_pilot_request(actor, req)


def _attach_request(actor, request_id: int) -> bool:
    req = _request(request_id)
    return req is not None and (_official(actor) or perms.can_edit_pilot_request(actor, req))


register_subject(
    "pilot_request",
    SubjectRules(
        can_view=_view_request,
        can_attach=_attach_request,
        can_delete=lambda actor, doc: _attach_request(actor, doc.subject_id),
        kinds=REQUEST_KINDS,
        link=lambda request_id: url_for("pilots.request_page", req_id=request_id),
    ),
)


# ---- proposals --------------------------------------------------------------------------------


def _interest(interest_id: int) -> Interest | None:
    return db.session.get(Interest, interest_id)


def _view_interest(actor, interest_id: int) -> bool:
    interest = _interest(interest_id)
    return interest is not None and perms.can_view_interest(actor, interest, interest.request)


def _attach_interest(actor, interest_id: int) -> bool:
    interest = _interest(interest_id)
    return interest is not None and perms.can_edit_interest(actor, interest, interest.request)


register_subject(
    "interest",
    SubjectRules(
        can_view=_view_interest,
        can_attach=_attach_interest,
        can_delete=lambda actor, doc: _official(actor) or _attach_interest(actor, doc.subject_id),
        kinds=INTEREST_KINDS,
        link=lambda interest_id: url_for("pilots.proposal", interest_id=interest_id),
    ),
)


# ---- milestones (deliverables) ----------------------------------------------------------------


def _partnership_of(milestone_id: int) -> Partnership | None:
    milestone = db.session.get(Milestone, milestone_id)
    return db.session.get(Partnership, milestone.partnership_id) if milestone else None


def _view_milestone(actor, milestone_id: int) -> bool:
    partnership = _partnership_of(milestone_id)
    return partnership is not None and perms.can_view_partnership(actor, partnership)


def _attach_milestone(actor, milestone_id: int) -> bool:
    partnership = _partnership_of(milestone_id)
    return partnership is not None and perms.can_edit_partnership(actor, partnership)


def _milestone_link(milestone_id: int) -> str | None:
    partnership = _partnership_of(milestone_id)
    if partnership is None:
        return None
    return url_for("pilots.partnership", partnership_id=partnership.id)


register_subject(
    "milestone",
    SubjectRules(
        can_view=_view_milestone,
        can_attach=_attach_milestone,
        can_delete=lambda actor, doc: _official(actor) or _attach_milestone(actor, doc.subject_id),
        kinds=MILESTONE_KINDS,
        link=_milestone_link,
    ),
)


# ---- HTML: the documents page of each subject -------------------------------------------------


def _back(url: str | None, label: str) -> tuple[str, str]:
    return (label, url) if url else (_("Back to the home page"), url_for("core.home"))


@bp.route("/pilot-requests/<int:request_id>/documents", methods=["GET", "POST"])
@policy(MEMBER)
@accepts_documents
def request_documents(request_id: int):
    req = _request(request_id)
    title = (
        req.title if req is not None and perms.can_view_pilot_request(current_actor(), req) else ""
    )
    return documents_page(
        "pilot_request",
        request_id,
        heading=_("Documents of the request “%(title)s”", title=title),
        back=_back(url_for("pilots.request_page", req_id=request_id), _("Back to the request")),
    )


@bp.route("/interests/<int:interest_id>/documents", methods=["GET", "POST"])
@policy(MEMBER)
@accepts_documents
def interest_documents(interest_id: int):
    interest = _interest(interest_id)
    name = interest.organization.name if interest is not None else ""
    return documents_page(
        "interest",
        interest_id,
        heading=_("Documents of the proposal of %(name)s", name=name),
        back=_back(url_for("pilots.proposal", interest_id=interest_id), _("Back to the proposal")),
    )


@bp.route("/milestones/<int:milestone_id>/documents", methods=["GET", "POST"])
@policy(MEMBER)
@accepts_documents
def milestone_documents(milestone_id: int):
    milestone = db.session.get(Milestone, milestone_id)
    title = milestone.title if milestone is not None else ""
    return documents_page(
        "milestone",
        milestone_id,
        heading=_("Deliverables of the milestone “%(title)s”", title=title),
        back=_back(_milestone_link(milestone_id), _("Back to the partnership")),
    )


# ---- API: uploads -----------------------------------------------------------------------------

RequestUpload = upload_form("PilotRequestDocumentUpload", REQUEST_KINDS)
InterestUpload = upload_form("InterestDocumentUpload", INTEREST_KINDS)
MilestoneUpload = upload_form("MilestoneDocumentUpload", MILESTONE_KINDS)


@accepts_documents
@operation(
    "/pilot-requests/<int:request_id>/documents",
    "POST",
    summary="Attach a document to a pilot request",
    tag="documents",
    access=MEMBER,
    form=RequestUpload,
    files=("file",),
    response=DocumentOut,
    status=201,
)
def upload_request_document(request_id: int, form, files):
    """The city while it may edit the request, or an official. PDF, DOCX, XLSX, PPTX, PNG or
    JPEG, checked by content; at most DOCUMENT_MAX_BYTES (413 beyond)."""
    return upload_response("pilot_request", request_id, form, files)


@accepts_documents
@operation(
    "/interests/<int:interest_id>/documents",
    "POST",
    summary="Attach a document to a proposal",
    tag="documents",
    access=MEMBER,
    form=InterestUpload,
    files=("file",),
    response=DocumentOut,
    status=201,
)
def upload_interest_document(interest_id: int, form, files):
    """The proposer, while it may edit the proposal."""
    return upload_response("interest", interest_id, form, files)


@accepts_documents
@operation(
    "/milestones/<int:milestone_id>/documents",
    "POST",
    summary="Attach a deliverable to a milestone",
    tag="documents",
    access=MEMBER,
    form=MilestoneUpload,
    files=("file",),
    response=DocumentOut,
    status=201,
)
def upload_milestone_document(milestone_id: int, form, files):
    """The partnership's parties and officials, while it runs."""
    return upload_response("milestone", milestone_id, form, files)


# ---- panels on the pilots pages ---------------------------------------------------------------


def _subject_panel(actor, subject_type: str, subject_id: int, action: str, caption: str) -> dict:
    documents = document_services.list_documents(subject_type, [subject_id])
    may_attach = can_attach_document(actor, subject_type, subject_id)
    return {
        "listing": list_context(
            actor, documents, list_id=f"{subject_type}-documents", caption=caption
        ),
        "upload": upload_context(subject_type, action) if may_attach else None,
        "page_url": action,
    }


@panel("request", "pilots/documents/_panel.html")
def documents_on_request(actor, req: PilotRequest) -> dict | None:
    if not perms.can_view_pilot_request(actor, req):
        return None
    action = url_for("pilots.request_documents", request_id=req.id)
    return _subject_panel(actor, "pilot_request", req.id, action, _("Documents of this request"))


@panel("interest", "pilots/documents/_panel.html")
def documents_on_interest(actor, interest: Interest) -> dict | None:
    if not perms.can_view_interest(actor, interest, interest.request):
        return None
    action = url_for("pilots.interest_documents", interest_id=interest.id)
    return _subject_panel(actor, "interest", interest.id, action, _("Documents of this proposal"))


@panel("partnership", "pilots/documents/_deliverables_panel.html")
def deliverables_on_partnership(actor, partnership: Partnership) -> dict | None:
    if not perms.can_view_partnership(actor, partnership):
        return None
    milestones = list(partnership.milestones)
    documents = document_services.list_documents("milestone", [m.id for m in milestones])
    by_milestone: dict[int, list] = {m.id: [] for m in milestones}
    for doc in documents:
        by_milestone[doc.subject_id].append(doc)
    may_attach = perms.can_edit_partnership(actor, partnership)
    return {
        "groups": [
            {
                "milestone": m,
                "listing": list_context(
                    actor,
                    by_milestone[m.id],
                    list_id=f"milestone-{m.id}-documents",
                    caption=_("Deliverables of “%(title)s”", title=m.title),
                ),
                "page_url": url_for("pilots.milestone_documents", milestone_id=m.id),
            }
            for m in milestones
        ],
        "may_attach": may_attach,
    }
