"""Completion and certificates: who qualifies, idempotent issuance, codes, revocation, the
public verification (only the listed fields), pages in English and Korean, access per role,
query counts and account deletion."""

from __future__ import annotations

import re

import pytest
from members.test_query_counts import count_queries
from training.records_support import accepted_plan, cohort_with_sessions, mark

from seoul_platform.accounts import privacy
from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work
from seoul_platform.errors import Conflict, NotFound, PermissionDenied, ValidationError
from seoul_platform.notifications.models import Notification
from seoul_platform.training import certificates
from seoul_platform.training.models import Certificate, Cohort, Enrollment, EnrollmentStatus
from support import PASSWORD, bearer, csrf_token, signed_in

VERIFICATION_KEYS = {
    "code",
    "holder_name",
    "cohort",
    "programme",
    "starts_on",
    "ends_on",
    "issued_on",
    "status",
    "revoked_on",
}


@pytest.fixture
def world(db, training, make, city):
    """Five sessions, threshold 80 %: `good` (4 present + accepted plan) qualifies; `absent`
    (3 present, 1 excused) and `noplan` (submitted plan) do not."""
    cohort, sessions = cohort_with_sessions(training, attendance_threshold=80)
    people = {k: make.user(city, name=f"{k.title()} Person") for k in ("good", "absent", "noplan")}
    e = {k: training.enrollment(cohort, p) for k, p in people.items()}
    mark(sessions, e["good"], ["present"] * 4 + ["absent"])
    mark(sessions, e["absent"], ["present"] * 3 + ["excused", "excused"])
    mark(sessions, e["noplan"], ["present"] * 5)
    accepted_plan(e["good"])
    accepted_plan(e["absent"])
    accepted_plan(e["noplan"], status="submitted")
    return cohort, people, e


def _issue(actor, cohort_id):
    with unit_of_work():
        return [c.id for c in certificates.issue_certificates(actor, cohort_id)]


def test_only_who_meets_both_is_completed_and_certified(world, official):
    cohort, people, e = world
    seats_before = _db.session.get(Cohort, cohort.id).seats_taken
    assert len(_issue(official, cohort.id)) == 1
    _db.session.expire_all()
    assert _db.session.get(Enrollment, e["good"].id).status == EnrollmentStatus.COMPLETED
    assert _db.session.get(Enrollment, e["absent"].id).status == EnrollmentStatus.ENROLLED
    # A completed participant keeps their seat: nothing is freed for the waitlist.
    assert _db.session.get(Cohort, cohort.id).seats_taken == seats_before
    cert = _db.session.query(Certificate).one()
    assert cert.holder_name == "Good Person" and cert.enrollment_id == e["good"].id
    note = _db.session.query(Notification).filter_by(user_id=people["good"].id).one()
    assert note.kind == "certificate.issued" and cert.code in note.link


def test_issuing_twice_issues_none_twice(world, official):
    cohort, _people, _e = world
    assert len(_issue(official, cohort.id)) == 1
    assert _issue(official, cohort.id) == []
    assert _db.session.query(Certificate).count() == 1


def test_codes_are_long_random_and_unique():
    codes = {certificates.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 32 and re.fullmatch(r"[A-Za-z0-9_-]+", c) for c in codes)
    assert certificates.CODE_BYTES * 8 >= 128


def test_only_officials_issue_and_revoke(world, city_member):
    cohort, _p, _e = world
    with pytest.raises(PermissionDenied), unit_of_work():
        certificates.issue_certificates(city_member, cohort.id)
    with pytest.raises(PermissionDenied), unit_of_work():
        certificates.revoke(city_member, "x" * 32, "reason")


def test_revoke_needs_a_reason_and_happens_once(world, official):
    cohort, people, _e = world
    _issue(official, cohort.id)
    code = _db.session.query(Certificate).one().code
    with pytest.raises(ValidationError), unit_of_work():
        certificates.revoke(official, code, "   ")
    with unit_of_work():
        certificates.revoke(official, code, "Attendance sheet was wrong")
    with pytest.raises(Conflict), unit_of_work():
        certificates.revoke(official, code, "again")
    data = certificates.verification(certificates.find(code))
    assert data["status"] == "revoked" and data["revoked_on"] is not None
    kinds = {n.kind for n in _db.session.query(Notification).filter_by(user_id=people["good"].id)}
    assert "certificate.revoked" in kinds


@pytest.mark.parametrize("code", ["", "a" * 65, "bad code", "../../etc", "x' OR 1=1 --"])
def test_bad_codes_are_not_found(db, code):
    with pytest.raises(NotFound):
        certificates.find(code)


# ---- HTTP ------------------------------------------------------------------------------------


def _issued_code(world, official):
    cohort, _p, _e = world
    _issue(official, cohort.id)
    return _db.session.query(Certificate).one().code


def test_public_verification_reveals_only_the_listed_fields(app, world, official):
    code = _issued_code(world, official)
    client = app.test_client()
    response = client.get(f"/api/v1/certificates/{code}")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == VERIFICATION_KEYS
    assert body["holder_name"] == "Good Person" and body["status"] == "valid"
    assert body["revoked_on"] is None
    page = client.get(f"/verify/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Good Person" in html
    assert "Testville" not in html and "@" not in html.split("<main")[1]  # no organisation, e-mail


def test_verification_page_in_korean(app, world, official):
    code = _issued_code(world, official)
    html = app.test_client().get(f"/verify/{code}?lang=ko").get_data(as_text=True)
    assert 'lang="ko"' in html and "유효함" in html and "Good Person" in html
    body = app.test_client().get("/api/v1/certificates/" + "C" * 32 + "?lang=ko").get_json()
    assert body["detail"] == "이 확인 코드의 수료증이 없습니다."


def test_unknown_code_is_a_clear_404(app, db):
    client = app.test_client()
    response = client.get("/api/v1/certificates/" + "A" * 32)
    assert response.status_code == 404
    assert "No certificate has this verification code" in response.get_json()["detail"]
    page = client.get("/verify/" + "A" * 32)
    assert page.status_code == 404
    assert "No certificate has this verification code" in page.get_data(as_text=True)


def test_verification_is_rate_limited(app, db):
    client = app.test_client()
    statuses = [client.get("/api/v1/certificates/" + "B" * 32).status_code for _ in range(70)]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_revoke_through_the_api_and_the_page(app, world, official, city_member):
    code = _issued_code(world, official)
    client = app.test_client()
    headers = bearer(client, official)
    path = f"/api/v1/certificates/{code}/revoke"
    assert client.post(path, json={}, headers=headers).status_code == 422
    assert (
        client.post(path, json={"reason": "x"}, headers=bearer(client, city_member)).status_code
        == 403
    )
    response = client.post(path, json={"reason": "Duplicate"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "revoked"
    assert client.get(f"/api/v1/certificates/{code}").get_json()["status"] == "revoked"
    assert "revoked" in client.get(f"/verify/{code}").get_data(as_text=True).lower()
    assert client.post(path, json={"reason": "again"}, headers=headers).status_code == 409


def test_revoke_form_on_the_completion_page(app, world, official):
    cohort, _p, _e = world
    code = _issued_code(world, official)
    client = signed_in(app, official)
    path = f"/training/cohorts/{cohort.id}/completion"
    html = client.get(path).get_data(as_text=True)
    assert f"/training/certificates/{code}/revoke" in html
    token = csrf_token(client, path)
    empty = client.post(f"/training/certificates/{code}/revoke", data={"csrf_token": token})
    assert empty.status_code == 422
    done = client.post(
        f"/training/certificates/{code}/revoke", data={"csrf_token": token, "reason": "Error"}
    )
    assert done.status_code == 302
    assert _db.session.query(Certificate).one().revoked_reason == "Error"


def test_completion_page_and_issue_button(app, world, official):
    cohort, _p, _e = world
    client = signed_in(app, official)
    path = f"/training/cohorts/{cohort.id}/completion"
    html = client.get(path).get_data(as_text=True)
    assert "Good Person" in html and "80 %" in html and "below the threshold" in html
    token = csrf_token(client, path)
    assert client.post(path + "/issue", data={"csrf_token": token}).status_code == 302
    assert client.post(path + "/issue", data={"csrf_token": token}).status_code == 302
    assert _db.session.query(Certificate).count() == 1


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_certificate_page_in_both_languages_with_qr(app, world, official, lang):
    _cohort, people, _e = world
    code = _issued_code(world, official)
    client = signed_in(app, people["good"])
    response = client.get(f"/training/certificates/{code}?lang={lang}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'lang="{lang}"' in html
    assert "print-records.css" in html
    assert "<svg" in html and 'role="img"' in html and "<title>" in html
    url = app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/verify/{code}"
    assert f'href="{url}"' in html and code in html
    if lang == "ko":
        assert "수료" in html or "인증" in html  # translated, not the English text
        assert "Certificate of completion" not in html


def test_print_css_hides_the_site_chrome(app):
    response = app.test_client().get("/static/css/print-records.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "@media print" in css and ".site-header" in css


@pytest.mark.parametrize("who", ["visitor", "colleague", "admin", "other_org"])
def test_certificate_page_is_for_holder_and_officials(
    app, world, official, who, make, city, city_admin, company_admin
):
    code = _issued_code(world, official)
    client = {
        "visitor": app.test_client(),
        "colleague": signed_in(app, make.user(city)),
        "admin": signed_in(app, city_admin),
        "other_org": signed_in(app, company_admin),
    }[who]
    response = client.get(f"/training/certificates/{code}")
    assert response.status_code == (302 if who == "visitor" else 404)
    assert signed_in(app, official).get(f"/training/certificates/{code}").status_code == 200


@pytest.mark.parametrize("path", ["completion", "action-plans"])
def test_officials_pages_refuse_members(app, world, city_member, path):
    cohort, _p, _e = world
    response = signed_in(app, city_member).get(f"/training/cohorts/{cohort.id}/{path}")
    assert response.status_code == 403


def test_completion_page_query_count_is_fixed(app, db, world, official, training, make, city):
    cohort, _p, _e = world
    client = signed_in(app, official)
    path = f"/training/cohorts/{cohort.id}/completion"

    def statements():
        with count_queries(db.engine) as counter:
            assert client.get(path).status_code == 200
        return len(counter.statements)

    _issue(official, cohort.id)
    few = statements()
    sessions = _db.session.get(Cohort, cohort.id).sessions
    for k in range(10):
        enrollment = training.enrollment(cohort, make.user(city, name=f"Extra {k}"))
        mark(sessions, enrollment, ["present"] * 5)
        accepted_plan(enrollment)
    _issue(official, cohort.id)
    assert statements() == few


def test_account_deletion_anonymises_the_certificate(app, world, official):
    _cohort, people, _e = world
    _db.session.get(Enrollment, _e["good"].id).letter_code = certificates.new_code()
    _db.session.commit()
    code = _issued_code(world, official)
    with unit_of_work():
        privacy.delete_account(
            _db.session.get(type(people["good"]), people["good"].id), password=PASSWORD
        )
    _db.session.expire_all()
    assert _db.session.query(Certificate).one().holder_name == "Deleted member"
    body = app.test_client().get(f"/api/v1/certificates/{code}").get_json()
    assert body["holder_name"] == "Deleted member"
    # Their invitation letter no longer verifies (its code is gone).
    assert _db.session.get(Enrollment, _e["good"].id).letter_code is None


def test_concurrent_issue_clicks_certify_each_person_once(app, world, official, make):
    """Ten officials click "issue certificates" at once (own threads, sessions and write
    intents, as web requests): one certificate, one completion, one history entry."""
    import threading

    from seoul_platform.audit.models import StateChange

    cohort, _p, e = world
    ids = [official.id] + [make.user(official=True).id for _ in range(9)]
    barrier = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def click(user_id):
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work(write=True):
                    actor = _db.session.get(type(official), user_id)
                    certificates.issue_certificates(actor, cohort.id)
            except BaseException as exc:
                errors.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=click, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _db.session.rollback()  # a fresh read, after the threads' commits
    assert _db.session.query(Certificate).count() == 1
    moves = _db.session.query(StateChange).filter_by(
        subject_type="enrollment", subject_id=e["good"].id, to_state="completed"
    )
    assert moves.count() == 1


def test_completion_and_issuing_through_the_api(app, world, official, city_member):
    cohort, _people, e = world
    client = app.test_client()
    headers = bearer(client, official)
    listed = client.get(f"/api/v1/cohorts/{cohort.id}/completion", headers=headers)
    assert listed.status_code == 200
    rows = {row["enrollment_id"]: row for row in listed.get_json()["items"]}
    assert rows[e["good"].id]["eligible"] and rows[e["good"].id]["present"] == 4
    assert rows[e["absent"].id]["attendance_met"] is False
    assert rows[e["noplan"].id]["action_plan_status"] == "submitted"
    assert not rows[e["noplan"].id]["eligible"] and rows[e["good"].id]["certificate_code"] is None
    member = bearer(client, city_member)
    assert client.get(f"/api/v1/cohorts/{cohort.id}/completion", headers=member).status_code == 403
    assert (
        client.post(f"/api/v1/cohorts/{cohort.id}/certificates", headers=member).status_code == 403
    )
    assert _db.session.query(Certificate).count() == 0
    issued = client.post(f"/api/v1/cohorts/{cohort.id}/certificates", headers=headers)
    assert issued.status_code == 200
    (certificate,) = issued.get_json()["issued"]
    assert certificate["holder_name"] == "Good Person" and certificate["status"] == "valid"
    assert set(certificate) == VERIFICATION_KEYS
    again = client.post(f"/api/v1/cohorts/{cohort.id}/certificates", headers=headers)
    assert again.status_code == 200 and again.get_json()["issued"] == []
    after = client.get(f"/api/v1/cohorts/{cohort.id}/completion", headers=headers).get_json()
    good = next(r for r in after["items"] if r["enrollment_id"] == e["good"].id)
    assert (
        good["certificate_code"] == certificate["code"] and good["enrollment_status"] == "completed"
    )
    assert client.post("/api/v1/cohorts/999999/certificates", headers=headers).status_code == 404
