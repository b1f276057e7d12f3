"""Pilots documents through the API: who may attach to, download and delete the documents of
requests, proposals and milestones — each role, each subject — and what is refused."""

from __future__ import annotations

import io
from datetime import date

import pytest
from document_files import FILES, ooxml, pdf, png, stored_files
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from seoul_platform.documents.models import Document
from seoul_platform.pilots.models import Milestone
from support import bearer

ROLES = ("visitor", "city", "other_city", "proposer", "other_company", "official")


@pytest.fixture
def people(app, make, city, company, other_city, other_company, official):
    """Bearer headers per role (the visitor sends none)."""
    users = {
        "city": make.user(city, name="Cho City"),
        "other_city": make.user(other_city, name="Otto Other"),
        "proposer": make.user(company, name="Pia Proposer"),
        "other_company": make.user(other_company, name="Bo Beta"),
        "official": official,
    }
    client = app.test_client()
    headers = {role: bearer(client, user) for role, user in users.items()}
    headers["visitor"] = {}
    return headers


def upload(client, url, headers, data: bytes | None = None, name="report.pdf", **fields):
    return client.post("/api/v1" + url, headers=headers, **multipart(data, name, **fields))


def multipart(data: bytes | None = None, name="report.pdf", **fields) -> dict:
    """A multipart body encoded in memory (the test client would spool a large one to a
    temporary file that it never closes when the app refuses to read it)."""
    upload = FileStorage(io.BytesIO(pdf() if data is None else data), filename=name)
    form = {"file": upload, **fields}
    boundary, body = encode_multipart(form)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def fetch(client, url, headers):
    """GET, read and close (a download streams from an open file)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def _count(db) -> int:
    return db.session.scalar(select(func.count(Document.id)))


def _expect(results: dict, expected: dict) -> None:
    assert results == expected


# ---- requests ----------------------------------------------------------------------------------

# status -> expected upload status per role
REQUEST_UPLOADS = {
    "draft": {"visitor": 401, "city": 201, "other_city": 404, "proposer": 404,
              "other_company": 404, "official": 404},
    "submitted": {"visitor": 401, "city": 403, "other_city": 404, "proposer": 404,
                  "other_company": 404, "official": 201},
    "changes_requested": {"visitor": 401, "city": 201, "other_city": 404, "proposer": 404,
                          "other_company": 404, "official": 201},
    "open": {"visitor": 401, "city": 403, "other_city": 403, "proposer": 403,
             "other_company": 403, "official": 201},
}  # fmt: skip


@pytest.mark.parametrize("status", sorted(REQUEST_UPLOADS))
def test_request_documents_by_role(app, db, pilots, city, people, storage_dir, status):
    req = pilots.request(city, status)
    client = app.test_client()
    results = {}
    for role in ROLES:
        response = upload(client, f"/pilot-requests/{req.id}/documents", people[role], kind="other")
        results[role] = response.status_code
    _expect(results, REQUEST_UPLOADS[status])
    stored = [r for r in results.values() if r == 201]
    assert _count(db) == len(stored) == len(stored_files(storage_dir))


def test_request_document_download_by_role(app, db, pilots, city, people):
    req = pilots.request(city, "submitted")
    client = app.test_client()
    doc = upload(client, f"/pilot-requests/{req.id}/documents", people["official"]).get_json()
    seen = {
        role: fetch(client, f"/api/v1/documents/{doc['id']}", people[role]).status_code
        for role in ROLES
    }
    assert seen == {"visitor": 401, "city": 200, "other_city": 404, "proposer": 404,
                    "other_company": 404, "official": 200}  # fmt: skip


def test_an_uploaded_document_is_described_and_served_as_an_attachment(
    app, db, pilots, city, people, storage_dir
):
    req = pilots.request(city, "draft")
    client = app.test_client()
    response = upload(
        client,
        f"/pilot-requests/{req.id}/documents",
        people["city"],
        data=png(),
        name="../지도\x07\t.png",  # (a raw newline would break the multipart header itself)
        kind="concept_note",
        # Mass assignment: none of these may be taken from the client.
        subject_id="99999",
        subject_type="interest",
        uploaded_by_id="1",
        content_type="text/html",
        size="1",
        storage_key="../../etc/passwd",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["subject_type"] == "pilot_request" and body["subject_id"] == req.id
    assert body["filename"] == "지도.png" and body["content_type"] == "image/png"
    assert body["size"] == len(png()) and body["kind"] == "concept_note"
    assert body["uploaded_by"]["name"] == "Cho City"
    doc = db.session.get(Document, body["id"])
    assert stored_files(storage_dir) == [doc.storage_key] and "passwd" not in doc.storage_key

    download = fetch(client, body["download_url"], people["city"])
    assert download.status_code == 200 and download.data == png()
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%EC%A7%80%EB%8F%84.png" in disposition
    assert "sandbox" in download.headers["Content-Security-Policy"]


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_accepted_type_uploads(app, db, pilots, city, people, name):
    build, filename, content_type = FILES[name]
    req = pilots.request(city, "draft")
    response = upload(
        app.test_client(), f"/pilot-requests/{req.id}/documents", people["city"], build(), filename
    )
    assert response.status_code == 201
    assert response.get_json()["content_type"] == content_type


BAD_UPLOADS = {
    "an .exe renamed .pdf": (b"MZ\x90\x00" + b"\x00" * 500, "report.pdf"),
    "HTML claiming to be a PNG": (b"<html><script>alert(1)</script></html>", "map.png"),
    "a docm with vbaProject.bin": (ooxml("docx", macro=True), "macro.docm"),
    "an empty file": (b"", "empty.pdf"),
}


@pytest.mark.parametrize("label", sorted(BAD_UPLOADS))
def test_bad_files_are_refused_and_nothing_is_stored(
    app, db, pilots, city, people, storage_dir, label
):
    data, name = BAD_UPLOADS[label]
    req = pilots.request(city, "draft")
    response = upload(app.test_client(), f"/pilot-requests/{req.id}/documents", people["city"],
                      data, name)  # fmt: skip
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]["file"]
    assert _count(db) == 0 and stored_files(storage_dir) == []


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(
    app, db, pilots, city, people, storage_dir
):
    req = pilots.request(city, "draft")
    client = app.test_client()
    eleven_mb = pdf() + b"\x00" * (11 * 1024 * 1024)
    response = upload(client, f"/pilot-requests/{req.id}/documents", people["city"], eleven_mb)
    assert response.status_code == 413
    assert _count(db) == 0 and stored_files(storage_dir) == []


def test_the_limit_is_the_configured_one(app, db, pilots, city, people, storage_dir, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 2048)
    req = pilots.request(city, "draft")
    client = app.test_client()
    url = f"/pilot-requests/{req.id}/documents"
    # Just over: within the request limit (overhead), refused while reading the file.
    over = b"%PDF-1.4\n" + b" " * 2048 + b"%%EOF"
    response = upload(client, url, people["city"], over)
    assert response.status_code == 413
    assert "2 KB" in response.get_json()["detail"]
    exact = b"%PDF-1.4\n" + b" " * (2048 - 15) + b"\n%%EOF"
    assert len(exact) == 2048
    assert upload(client, url, people["city"], exact).status_code == 201
    assert _count(db) == 1 and len(stored_files(storage_dir)) == 1


def test_ten_megabytes_get_through(app, db, pilots, city, people):
    req = pilots.request(city, "draft")
    limit = app.config["DOCUMENT_MAX_BYTES"]
    body = b"%PDF-1.7\n" + b"0" * (limit - 16) + b"\n%%EOF\n"
    assert len(body) == limit
    response = upload(app.test_client(), f"/pilot-requests/{req.id}/documents", people["city"],
                      body)  # fmt: skip
    assert response.status_code == 201 and response.get_json()["size"] == limit


def test_json_elsewhere_keeps_its_small_limit(app, people):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = app.test_client().post(
        "/api/v1/conversations/1/messages", data=big, headers=people["official"],
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ('{"file": "JVBERi0="}', "application/json", 415),
        ("file=%25PDF-", "application/x-www-form-urlencoded", 415),
        ("", "text/plain", 415),
    ],
)
def test_a_non_multipart_post_is_415(app, db, pilots, city, people, data, content_type, status):
    req = pilots.request(city, "draft")
    response = app.test_client().post(
        f"/api/v1/pilot-requests/{req.id}/documents",
        data=data,
        headers=people["city"],
        content_type=content_type,
    )
    assert response.status_code == status
    assert _count(db) == 0


def test_a_missing_file_or_unknown_kind_is_422(app, db, pilots, city, people):
    req = pilots.request(city, "draft")
    client = app.test_client()
    url = f"/api/v1/pilot-requests/{req.id}/documents"
    no_file = client.post(url, data={"kind": "other"}, headers=people["city"],
                          content_type="multipart/form-data")  # fmt: skip
    assert no_file.status_code == 422 and "file" in no_file.get_json()["errors"]
    deliverable = upload(client, f"/pilot-requests/{req.id}/documents", people["city"],
                         kind="deliverable")  # fmt: skip
    assert deliverable.status_code == 422 and "kind" in deliverable.get_json()["errors"]
    assert _count(db) == 0


# ---- proposals ---------------------------------------------------------------------------------


INTEREST_UPLOADS = {
    # While the call is open the proposal is sealed from the city.
    "open": {"visitor": 401, "city": 404, "other_city": 404, "proposer": 201,
             "other_company": 404, "official": 403},
    "closed": {"visitor": 401, "city": 403, "other_city": 404, "proposer": 403,
               "other_company": 404, "official": 403},
}  # fmt: skip


@pytest.mark.parametrize("status", sorted(INTEREST_UPLOADS))
def test_proposal_documents_by_role(app, db, pilots, city, company, people, status):
    req = pilots.request(city, status)
    interest = pilots.interest(req, company)
    client = app.test_client()
    results = {
        role: upload(client, f"/interests/{interest.id}/documents", people[role]).status_code
        for role in ROLES
    }
    _expect(results, INTEREST_UPLOADS[status])


def test_proposal_documents_are_sealed_from_the_city_until_the_deadline(
    app, db, pilots, city, company, people
):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    client = app.test_client()
    doc = upload(client, f"/interests/{interest.id}/documents", people["proposer"]).get_json()
    url = f"/api/v1/documents/{doc['id']}"
    assert fetch(client, url, people["city"]).status_code == 404
    assert fetch(client, url, people["other_company"]).status_code == 404
    assert fetch(client, url, people["official"]).status_code == 200
    from seoul_platform.db import utcnow
    from seoul_platform.pilots.models import RequestStatus

    req.status, req.closed_at = RequestStatus.CLOSED, utcnow()
    db.session.commit()
    assert fetch(client, url, people["city"]).status_code == 200
    assert fetch(client, url, people["other_company"]).status_code == 404
    # The proposal can no longer be edited: its documents stay.
    assert client.delete(url, headers=people["proposer"]).status_code == 403


# ---- milestones --------------------------------------------------------------------------------


@pytest.fixture
def milestone(db, pilots, city, company):
    req = pilots.request(city, "open")
    partnership = pilots.partnership(req, company)
    m = Milestone(partnership_id=partnership.id, title="Field test", planned_on=date(2027, 3, 1))
    db.session.add(m)
    db.session.commit()
    return m


MILESTONE_UPLOADS = {
    "in_progress": {"visitor": 401, "city": 201, "other_city": 404, "proposer": 201,
                    "other_company": 404, "official": 201},
    "completed": {"visitor": 401, "city": 403, "other_city": 404, "proposer": 403,
                  "other_company": 404, "official": 403},
}  # fmt: skip


@pytest.mark.parametrize("status", sorted(MILESTONE_UPLOADS))
def test_deliverables_by_role(app, db, milestone, people, status):
    from seoul_platform.pilots.models import Partnership, RequestStatus

    partnership = db.session.get(Partnership, milestone.partnership_id)
    partnership.request.status = RequestStatus(status)
    db.session.commit()
    client = app.test_client()
    results = {
        role: upload(client, f"/milestones/{milestone.id}/documents", people[role],
                     kind="deliverable").status_code
        for role in ROLES
    }  # fmt: skip
    _expect(results, MILESTONE_UPLOADS[status])


def test_a_third_partner_sees_deliverables(app, db, make, pilots, city, company, institution):
    req = pilots.request(city, "open")
    partnership = pilots.partnership(req, company, third_party=institution)
    m = Milestone(partnership_id=partnership.id, title="Report", planned_on=date(2027, 1, 1))
    db.session.add(m)
    db.session.commit()
    client = app.test_client()
    third = bearer(client, make.user(institution))
    doc = upload(client, f"/milestones/{m.id}/documents", third)
    assert doc.status_code == 201
    assert fetch(client, doc.get_json()["download_url"], third).status_code == 200


# ---- deleting ----------------------------------------------------------------------------------


def test_delete_by_role(app, db, pilots, city, people, storage_dir):
    req = pilots.request(city, "draft")
    client = app.test_client()
    doc = upload(client, f"/pilot-requests/{req.id}/documents", people["city"]).get_json()
    url = f"/api/v1/documents/{doc['id']}"
    for role in ("visitor", "other_city", "proposer", "other_company", "official"):
        # Officials do not see drafts; the others never see them.
        assert client.delete(url, headers=people[role]).status_code in (401, 404), role
    assert len(stored_files(storage_dir)) == 1
    assert client.delete(url, headers=people["city"]).status_code == 204
    assert _count(db) == 0 and stored_files(storage_dir) == []
    assert fetch(client, url, people["city"]).status_code == 404


def test_the_city_cannot_delete_once_submitted_but_an_official_can(
    app, db, pilots, city, people, storage_dir
):
    from seoul_platform.pilots.models import RequestStatus

    req = pilots.request(city, "draft")
    client = app.test_client()
    doc = upload(client, f"/pilot-requests/{req.id}/documents", people["city"]).get_json()
    req.status = RequestStatus.SUBMITTED
    req.submitted_at = req.created_at
    db.session.commit()
    url = f"/api/v1/documents/{doc['id']}"
    assert client.delete(url, headers=people["city"]).status_code == 403
    assert client.delete(url, headers=people["official"]).status_code == 204
    assert stored_files(storage_dir) == []
