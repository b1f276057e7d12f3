"""Documents and conversations in a real browser: the documents page (list and upload form)
and the conversation pages pass axe-core in English and Korean, with and without form
errors; a message can be posted with the keyboard alone; a city member uploads a PDF to a
draft request with the keyboard alone, and again with JavaScript turned off."""

from __future__ import annotations

import io
import tempfile
from datetime import timedelta

import pytest
from browser.browsing import assert_no_axe_violations, focused, set_language, tab_until
from sqlalchemy import select

from seoul_platform.accounts.models import User
from seoul_platform.conversations import services as conversations
from seoul_platform.db import db, unit_of_work, utcnow
from seoul_platform.documents import services as documents
from seoul_platform.pilots import conversations as pilot_conversations
from seoul_platform.pilots.models import (
    EvaluationCriterion,
    Interest,
    InterestStatus,
    PilotRequest,
    PilotType,
    RequestStatus,
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def seeded(live_server):
    """A draft request of the member's city with a document, and a closed call whose
    proposal has a conversation with a few messages (one multi-line)."""
    app = live_server.app
    app.config["DOCUMENT_STORAGE_DIR"] = tempfile.mkdtemp(prefix="seoul-browser-documents-")
    ids = {}
    with app.test_request_context(), unit_of_work():
        member = db.session.scalar(
            select(User).where(User.email == live_server.seeded.emails["member"])
        )
        company_admin = db.session.scalar(
            select(User).where(User.email == "admin@browser-twins.example")
        )
        now = utcnow()

        def request(status: RequestStatus, title: str) -> PilotRequest:
            req = PilotRequest(
                city_id=live_server.seeded.city_id,
                type=PilotType.PILOT_IMPLEMENTATION,
                status=status,
                title=title,
                currency="EUR",
            )
            req.criteria = [EvaluationCriterion(position=1, name="Approach", weight=100)]
            if status != RequestStatus.DRAFT:
                req.submitted_at = now - timedelta(days=60)
                req.opened_at = now - timedelta(days=50)
                req.deadline = req.closed_at = now - timedelta(days=2)
            db.session.add(req)
            db.session.flush()
            return req

        draft = request(RequestStatus.DRAFT, "Browser smart bus stops")
        documents.store_document(
            member,
            "pilot_request",
            draft.id,
            stream=io.BytesIO(PDF),
            filename="버스 정류장 개요.pdf",
            kind="concept_note",
        )
        closed = request(RequestStatus.CLOSED, "Browser reminder service")
        interest = Interest(
            request_id=closed.id,
            organization_id=live_server.seeded.company_id,
            status=InterestStatus.SUBMITTED,
            approach="Text messages and calls.",
        )
        db.session.add(interest)
        db.session.flush()
        conversation = pilot_conversations.interest_conversation(interest)
        conversations.post_message(member, conversation, "Could you start in May?")
        conversations.post_message(
            company_admin, conversation, "Yes, from 2 May.\nThe team is ready."
        )
        other = Interest(
            request_id=closed.id,
            organization_id=_another_company(),
            status=InterestStatus.SUBMITTED,
        )
        db.session.add(other)
        db.session.flush()
        ids = {
            "draft": draft.id,
            "conversation": conversation.id,
            "fresh_interest": other.id,
        }
    return ids


def _another_company() -> int:
    from seoul_platform.members.models import Organization, OrgKind

    return db.session.scalar(
        select(Organization.id).where(
            Organization.kind == OrgKind.COMPANY, Organization.name == "Browser Company 2"
        )
    )


def _submit(page, selector: str) -> None:
    with page.expect_navigation() as navigation:
        page.click(selector)
    assert navigation.value.status in (200, 422), navigation.value.status


PAGES = [
    ("documents-page", "/pilot-requests/{draft}/documents", None),
    ("documents-upload-error", "/pilot-requests/{draft}/documents", "form.upload-form button"),
    ("conversation", "/conversations/{conversation}", None),
    ("conversation-error", "/conversations/{conversation}", "main form[method=post] button"),
    ("start-conversation", "/interests/{fresh_interest}/conversation", None),
    (
        "start-conversation-error",
        "/interests/{fresh_interest}/conversation",
        "main form[method=post] button",
    ),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("name", "path", "submit"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_pass_axe(page_as, seeded, lang, name, path, submit):
    page = page_as("member")
    target = path.format(**seeded)
    response = set_language(page, lang, target)
    assert response.status == 200 and page.url.endswith(target), page.url
    if submit:
        _submit(page, submit)
        assert page.locator(".error-summary").count() == 1, f"{name}: no error summary"
        assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_no_axe_violations(page, f"{name} ({lang})")


def test_the_documents_page_lists_and_explains(page_as, seeded):
    page = page_as("member")
    set_language(page, "ko", f"/pilot-requests/{seeded['draft']}/documents")
    text = page.inner_text("main")
    assert "버스 정류장 개요.pdf" in text and "사업 개요서" in text
    assert "10 MB" in text
    assert page.get_attribute("input[type=file]", "accept").startswith(".pdf")


def test_post_a_message_with_the_keyboard_only(page_as, seeded):
    page = page_as("member")
    set_language(page, "en", f"/conversations/{seeded['conversation']}")
    tab_until(page, lambda i: i["id"] == "body")
    page.keyboard.type("Thank you, see you in May.")
    page.keyboard.press("Tab")
    info = focused(page)
    assert info["tag"] == "button" and info["text"] == "Send the message", info
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Your message is posted." in page.inner_text("main")
    assert "Thank you, see you in May." in page.inner_text("ol.messages")


def _listed_files(page) -> list[str]:
    return page.locator("main table td a[download]").all_inner_texts()


def test_upload_a_document_with_the_keyboard_only(page_as, seeded):
    page = page_as("member")
    set_language(page, "en", f"/pilot-requests/{seeded['draft']}/documents")
    assert "keyboard-concept.pdf" not in _listed_files(page)
    file_input = tab_until(page, lambda i: i["tag"] == "input" and i["type"] == "file")
    # Choosing the file is the operating system's dialog; setting it is not a click.
    page.set_input_files(
        f"#{file_input['id']}",
        {"name": "keyboard-concept.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    assert focused(page)["type"] == "file", "setting the file moved the focus"
    tab_until(page, lambda i: i["tag"] == "button" and i["text"] == "Upload the document")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert "keyboard-concept.pdf is uploaded." in page.inner_text("main")
    assert "keyboard-concept.pdf" in _listed_files(page)


def test_upload_a_document_without_javascript(new_context, signed_in_state, seeded):
    context = new_context(java_script_enabled=False, storage_state=signed_in_state("member"))
    page = context.new_page()
    set_language(page, "en", f"/pilot-requests/{seeded['draft']}/documents")
    assert "no-script-concept.pdf" not in _listed_files(page)
    page.set_input_files(
        "form.upload-form input[type=file]",
        {"name": "no-script-concept.pdf", "mimeType": "application/pdf", "buffer": PDF},
    )
    with page.expect_navigation() as navigation:
        page.click("form.upload-form button[type=submit]")
    assert navigation.value.status == 200
    assert "no-script-concept.pdf is uploaded." in page.inner_text("main")
    assert "no-script-concept.pdf" in _listed_files(page)
