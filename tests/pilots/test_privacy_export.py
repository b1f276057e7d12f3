"""The data export covers conversations, documents and pilots; deletion keeps their rows.

A person's messages, uploads, pilot requests, proposals, reviews, KPI values and progress
reports are in their download (GET /account/data), another person's are not. Deleting the
account keeps these shared records and shows the anonymised account as their author.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from seoul_platform.accounts.models import User
from seoul_platform.conversations import services as conversations
from seoul_platform.conversations.api import message_out
from seoul_platform.conversations.models import Conversation, ConversationParticipant, Message
from seoul_platform.db import unit_of_work
from seoul_platform.documents.models import Document
from seoul_platform.pilots import workspace
from seoul_platform.pilots.models import KpiValue, PilotReview, ProgressReport
from support import PASSWORD, csrf_token, signed_in


def _seed(db, pilots, city, company, me: User, other: User, rep: User, official: User):
    """Each of ``me`` and ``other`` writes a message, uploads a document, creates a request
    and records a KPI value; ``me`` also writes a progress report, ``rep`` a proposal and
    ``official`` a review."""
    conversation = Conversation(title="Reminders for older residents")
    conversation.participants = [ConversationParticipant(organization_id=city.id)]
    db.session.add(conversation)
    db.session.commit()
    mine = pilots.request(city, title="My own request", created_by_id=me.id)
    theirs = pilots.request(city, title="Their request", created_by_id=other.id)
    partnership = pilots.partnership(mine, company)
    pilots.interest(theirs, company, submitted_by_id=rep.id)
    with unit_of_work():
        conversations.post_message(me, conversation, "My words in the thread")
        conversations.post_message(other, conversation, "Somebody else's words")
        for person, name, req in ((me, "mine.pdf", mine), (other, "theirs.pdf", theirs)):
            db.session.add(
                Document(
                    subject_type="pilot_request",
                    subject_id=req.id,
                    kind="concept_note",
                    filename=name,
                    content_type="application/pdf",
                    size=1234,
                    sha256="0" * 64,
                    storage_key=f"key-{name}",
                    uploaded_by_id=person.id,
                )
            )
        for person, value, req in ((me, 12.5, mine), (other, 99.0, theirs)):
            db.session.add(
                KpiValue(
                    kpi_id=req.kpis[0].id,
                    measured_on=date(2025, 3, 1),
                    value=value,
                    source=f"Clinic records of {person.name}",
                    recorded_by_id=person.id,
                )
            )
        db.session.add(
            ProgressReport(
                partnership_id=partnership.id,
                author_id=me.id,
                period_start=date(2025, 1, 1),
                period_end=date(2025, 3, 31),
                summary="First quarter: the reminders work.",
            )
        )
        db.session.add(
            PilotReview(
                request_id=theirs.id,
                reviewer_id=official.id,
                scores={"impact": 4},
                summary="A clear need.",
            )
        )
    return conversation, mine, theirs


def _download(app, user) -> dict:
    response = signed_in(app, user).get("/account/data")
    assert response.status_code == 200
    return json.loads(response.get_data(True))


def test_the_export_has_my_messages_documents_and_pilots_and_nobody_elses(
    app, db, make, pilots, city, company, city_admin, company_admin, official
):
    other = make.user(city)
    _conversation, mine, theirs = _seed(
        db, pilots, city, company, city_admin, other, company_admin, official
    )

    data = _download(app, city_admin)
    assert [(m["conversation"], m["body"]) for m in data["messages"]] == [
        ("Reminders for older residents", "My words in the thread")
    ]
    assert data["messages"][0]["created_at"]
    assert data["documents"] == [
        {
            "filename": "mine.pdf",
            "kind": "concept_note",
            "size": 1234,
            "content_type": "application/pdf",
            "subject_type": "pilot_request",
            "subject_id": mine.id,
            "created_at": data["documents"][0]["created_at"],
        }
    ]
    section = data["pilots"]
    assert [(r["id"], r["title"], r["status"]) for r in section["requests"]] == [
        (mine.id, "My own request", "in_progress")
    ]
    assert section["kpi_values"] == [
        {
            "kpi": "Missed appointments",
            "value": 12.5,
            "date": "2025-03-01",
            "source": f"Clinic records of {city_admin.name}",
        }
    ]
    assert [r["summary"] for r in section["progress_reports"]] == [
        "First quarter: the reminders work."
    ]
    assert section["proposals"] == [] and section["reviews"] == []
    body = json.dumps(data)
    for foreign in ("Somebody else's words", "theirs.pdf", "Their request", "99.0", "key-"):
        assert foreign not in body

    proposer = _download(app, company_admin)["pilots"]
    assert [(p["request"], p["status"]) for p in proposer["proposals"]] == [
        ("Their request", "submitted")
    ]
    reviewer = _download(app, official)["pilots"]
    assert reviewer["reviews"] == [
        {"request_id": theirs.id, "scores": {"impact": 4}, "summary": "A clear need."}
    ]


def test_deleting_the_account_keeps_the_shared_rows_under_the_anonymised_author(
    app, db, make, pilots, city, company, city_admin, company_admin, official
):
    other = make.user(city)
    conversation, mine, _theirs = _seed(
        db, pilots, city, company, city_admin, other, company_admin, official
    )
    user_id = city_admin.id
    client = signed_in(app, city_admin)
    response = client.post(
        "/account/delete",
        data={"password": PASSWORD, "confirm": "y", "csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 302
    db.session.expire_all()

    kept = db.session.scalars(select(Message).where(Message.author_id == user_id)).all()
    assert [m.body for m in kept] == ["My words in the thread"]  # the thread keeps it ...
    assert message_out(kept[0])["author"] is None  # ... shown as "Deleted account"
    page = signed_in(app, other).get(f"/conversations/{conversation.id}")
    assert page.status_code == 200
    assert "Deleted account" in page.get_data(True)
    assert db.session.query(Document).filter_by(uploaded_by_id=user_id).count() == 1
    assert db.session.query(KpiValue).filter_by(recorded_by_id=user_id).count() == 1
    reports = db.session.query(ProgressReport).filter_by(author_id=user_id).all()
    assert workspace.authors_of(reports) == {user_id: "Deleted member"}
    assert db.session.get(type(mine), mine.id).created_by_id == user_id
