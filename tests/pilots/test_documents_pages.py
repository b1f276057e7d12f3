"""Pilots documents in HTML: the documents pages of requests, proposals and milestones, the
download and delete routes, and the panels the pilots pages render."""

from __future__ import annotations

import io
from datetime import date

import pytest
from document_files import ooxml, pdf, stored_files
from flask import render_template
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from seoul_platform.documents.models import Document
from seoul_platform.pilots import panels
from seoul_platform.pilots.models import Milestone
from support import csrf_token, signed_in


@pytest.fixture
def clients(app, make, city, company, other_city, other_company, official):
    users = {
        "city": make.user(city, name="Cho City"),
        "other_city": make.user(other_city),
        "proposer": make.user(company, name="Pia Proposer"),
        "other_company": make.user(other_company),
        "official": official,
    }
    out = {role: signed_in(app, user) for role, user in users.items()}
    out["visitor"] = app.test_client()
    out["users"] = users
    return out


def _post(client, path, data: bytes, name="note.pdf", kind="other"):
    token = csrf_token(client, "/account")
    return client.post(
        path,
        data={"file": (io.BytesIO(data), name), "kind": kind, "csrf_token": token},
        content_type="multipart/form-data",
    )


def _rows(db) -> int:
    return db.session.scalar(select(func.count(Document.id)))


def test_request_documents_page_by_role(app, db, pilots, city, clients):
    req = pilots.request(city, "draft", title="Smart bus stops")
    path = f"/pilot-requests/{req.id}/documents"
    seen = {role: clients[role].get(path).status_code for role in
            ("visitor", "city", "other_city", "proposer", "other_company", "official")}  # fmt: skip
    assert seen == {"visitor": 302, "city": 200, "other_city": 404, "proposer": 404,
                    "other_company": 404, "official": 404}  # fmt: skip
    html = clients["city"].get(path).get_data(as_text=True)
    assert "Smart bus stops" in html and 'enctype="multipart/form-data"' in html
    assert "10 MB" in html and "PDF, Word (DOCX)" in html


def test_upload_then_list_download_and_delete_in_html(app, db, pilots, city, clients, storage_dir):
    req = pilots.request(city, "draft")
    path = f"/pilot-requests/{req.id}/documents"
    city_client = clients["city"]
    response = _post(city_client, path, pdf(), "계획 초안.pdf", kind="concept_note")
    assert response.status_code == 302 and response.headers["Location"].endswith(path)
    page = city_client.get(path).get_data(as_text=True)
    assert "계획 초안.pdf is uploaded." in page
    doc = db.session.scalar(select(Document))
    assert f'href="/documents/{doc.id}"' in page and "Cho City" in page
    assert "Concept note" in page and "Delete 계획 초안.pdf" in page
    download = city_client.get(f"/documents/{doc.id}")
    assert download.data == pdf() and download.headers["Cache-Control"] == "private, no-store"
    download.close()
    # Another city neither downloads nor deletes it.
    other = clients["other_city"]
    assert other.get(f"/documents/{doc.id}").status_code == 404
    token = csrf_token(other, "/account")
    assert other.post(f"/documents/{doc.id}/delete", data={"csrf_token": token}).status_code == 404
    token = csrf_token(city_client, "/account")
    deleted = city_client.post(
        f"/documents/{doc.id}/delete", data={"csrf_token": token, "next": path}
    )
    assert deleted.status_code == 302 and deleted.headers["Location"].endswith(path)
    assert _rows(db) == 0 and stored_files(storage_dir) == []


def test_delete_never_redirects_off_site(app, db, pilots, city, clients):
    req = pilots.request(city, "draft")
    city_client = clients["city"]
    _post(city_client, f"/pilot-requests/{req.id}/documents", pdf())
    doc = db.session.scalar(select(Document))
    token = csrf_token(city_client, "/account")
    response = city_client.post(
        f"/documents/{doc.id}/delete", data={"csrf_token": token, "next": "//evil.example/x"}
    )
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "tool.pdf", "not a PDF"),
        (ooxml("docx", macro=True), "macro.docm", "macros"),
        (b"", "empty.pdf", "The file is empty."),
    ],
)
def test_a_bad_file_re_renders_the_form_with_errors(
    app, db, pilots, city, clients, storage_dir, data, name, message
):
    req = pilots.request(city, "draft")
    response = _post(clients["city"], f"/pilot-requests/{req.id}/documents", data, name)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and message in html
    assert 'href="#file"' in html and 'aria-invalid="true"' in html
    assert _rows(db) == 0 and stored_files(storage_dir) == []


def test_no_file_chosen_is_an_error(app, db, pilots, city, clients):
    req = pilots.request(city, "draft")
    client = clients["city"]
    token = csrf_token(client, "/account")
    response = client.post(
        f"/pilot-requests/{req.id}/documents",
        data={"kind": "other", "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "Choose a file." in response.get_data(as_text=True)


def test_a_file_over_the_limit_in_html_is_413(app, db, pilots, city, clients, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 1024)
    req = pilots.request(city, "draft")
    response = _post(clients["city"], f"/pilot-requests/{req.id}/documents", pdf() + b" " * 2000)
    assert response.status_code == 413
    assert "larger than 1 KB" in response.get_data(as_text=True)
    assert _rows(db) == 0


def test_html_upload_needs_the_csrf_token(app, db, pilots, city, clients):
    req = pilots.request(city, "draft")
    response = clients["city"].post(
        f"/pilot-requests/{req.id}/documents",
        data={"file": (io.BytesIO(pdf()), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and _rows(db) == 0


def test_a_company_may_read_but_not_upload_to_an_open_call(app, db, pilots, city, clients):
    req = pilots.request(city, "open")
    path = f"/pilot-requests/{req.id}/documents"
    page = clients["proposer"].get(path)
    assert page.status_code == 200 and "multipart/form-data" not in page.get_data(as_text=True)
    assert _post(clients["proposer"], path, pdf()).status_code == 403


def test_proposal_and_milestone_pages_by_role(app, db, pilots, city, company, clients):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    path = f"/interests/{interest.id}/documents"
    seen = {role: clients[role].get(path).status_code for role in
            ("city", "other_city", "proposer", "other_company", "official")}  # fmt: skip
    assert seen == {"city": 404, "other_city": 404, "proposer": 200, "other_company": 404,
                    "official": 200}  # fmt: skip
    assert _post(clients["proposer"], path, pdf(), kind="proposal").status_code == 302

    req2 = pilots.request(city, "open")
    partnership = pilots.partnership(req2, company)
    milestone = Milestone(partnership_id=partnership.id, title="Pilot", planned_on=date(2027, 1, 1))
    db.session.add(milestone)
    db.session.commit()
    mpath = f"/milestones/{milestone.id}/documents"
    seen = {role: clients[role].get(mpath).status_code for role in
            ("city", "other_city", "proposer", "other_company", "official")}  # fmt: skip
    assert seen == {"city": 200, "other_city": 404, "proposer": 200, "other_company": 404,
                    "official": 200}  # fmt: skip
    assert _post(clients["city"], mpath, pdf(), kind="deliverable").status_code == 302


# ---- panels ----------------------------------------------------------------------------------


def _render(app, actor, page, subject) -> str:
    with app.test_request_context("/somewhere"):
        from flask_login import login_user

        login_user(actor)
        found = [p for p in panels.collect(page, actor, subject) if "documents" in p.template]
        return "".join(render_template(p.template, panel=p.context) for p in found)


def test_request_panel_lists_documents_and_offers_upload_to_the_city(
    app, db, pilots, city, clients
):
    req = pilots.request(city, "draft")
    _post(clients["city"], f"/pilot-requests/{req.id}/documents", pdf(), "terms.pdf",
          kind="terms_of_reference")  # fmt: skip
    users = clients["users"]
    html = _render(app, users["city"], "request", req)
    assert "terms.pdf" in html and "Terms of reference" in html
    assert f'action="/pilot-requests/{req.id}/documents"' in html
    assert _render(app, users["other_city"], "request", req) == ""
    assert _render(app, users["official"], "request", req) == ""  # a draft is the city's own


def test_interest_panel_is_sealed_while_the_call_is_open(app, db, pilots, city, company, clients):
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    _post(clients["proposer"], f"/interests/{interest.id}/documents", pdf(), "plan.pdf")
    users = clients["users"]
    assert "plan.pdf" in _render(app, users["proposer"], "interest", interest)
    assert _render(app, users["city"], "interest", interest) == ""
    assert _render(app, users["other_company"], "interest", interest) == ""
    official_html = _render(app, users["official"], "interest", interest)
    assert "plan.pdf" in official_html and "multipart/form-data" not in official_html


def test_partnership_panel_groups_deliverables_by_milestone(
    app, db, pilots, city, company, clients
):
    req = pilots.request(city, "open")
    partnership = pilots.partnership(req, company)
    first = Milestone(partnership_id=partnership.id, title="Survey", planned_on=date(2027, 1, 1))
    second = Milestone(partnership_id=partnership.id, title="Launch", planned_on=date(2027, 6, 1))
    db.session.add_all([first, second])
    db.session.commit()
    _post(clients["city"], f"/milestones/{second.id}/documents", pdf(), "launch.pdf",
          kind="deliverable")  # fmt: skip
    users = clients["users"]
    html = _render(app, users["proposer"], "partnership", partnership)
    assert html.index("Survey") < html.index("Launch") < html.index("launch.pdf")
    assert f"/milestones/{first.id}/documents" in html
    assert _render(app, users["other_company"], "partnership", partnership) == ""


def test_panels_keep_a_fixed_number_of_queries(app, db, pilots, city, company, clients):
    from sqlalchemy import event

    req = pilots.request(city, "open")
    partnership = pilots.partnership(req, company)
    milestones = [
        Milestone(partnership_id=partnership.id, title=f"M{n}", planned_on=date(2027, 1, n + 1))
        for n in range(3)
    ]
    db.session.add_all(milestones)
    db.session.commit()
    user = clients["users"]["city"]

    def count() -> int:
        statements = []
        db.session.expire_all()
        fresh = db.session.get(type(partnership), partnership.id)
        listener = lambda *a, **k: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            _render(app, user, "partnership", fresh)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    _post(clients["city"], f"/milestones/{milestones[0].id}/documents", pdf(), kind="deliverable")
    few = count()
    for m in milestones:
        for n in range(3):
            _post(clients["city"], f"/milestones/{m.id}/documents", pdf(), f"d{n}.pdf",
                  kind="deliverable")  # fmt: skip
    assert count() == few


def test_a_large_file_passes_the_csrf_check_in_html(app, db, pilots, city, clients):
    """The CSRF check parses the form before the view runs: the raised limit must already
    apply then, or every upload above the app-wide 1 MB would be a 413."""
    assert app.config["MAX_CONTENT_LENGTH"] < 3 * 1024 * 1024 < app.config["DOCUMENT_MAX_BYTES"]
    req = pilots.request(city, "draft")
    big = b"%PDF-1.5\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"
    client = clients["city"]
    boundary, body = encode_multipart(
        {
            "file": FileStorage(io.BytesIO(big), filename="big.pdf"),
            "kind": "other",
            "csrf_token": csrf_token(client, "/account"),
        }
    )
    response = client.post(
        f"/pilot-requests/{req.id}/documents",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Document.size)) == len(big)


def test_other_forms_keep_the_small_limit(app, db, clients):
    client = clients["city"]
    token = csrf_token(client, "/account")
    response = client.post(  # encoded here: the test client would spool it to a file
        "/account",
        data=f"csrf_token={token}&name=" + "x" * (2 * 1024 * 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
