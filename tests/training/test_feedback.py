"""The feedback survey: who may answer, once, until when; the anonymity threshold; the
aggregates' maths; the pages (en/ko) and the API per role; hostile input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work
from seoul_platform.errors import Conflict, NotFound, PermissionDenied
from seoul_platform.training import feedback
from seoul_platform.training.feedback_schemas import FeedbackIn
from seoul_platform.training.models import Cohort, FeedbackResponse
from support import bearer, csrf_token, signed_in

GOOD = {
    "ratings": {"overall": 5, "content": 4, "speakers": 3, "organisation": 4, "relevance": 5},
    "comment": "Useful site visits.",
    "recommend": True,
}


def answer(**changes) -> FeedbackIn:
    data = {**GOOD, **changes}
    return FeedbackIn.model_validate(data)


def ratings(value: int) -> dict:
    return dict.fromkeys(feedback.QUESTIONS, value)


@pytest.fixture
def running(training) -> Cohort:
    today = date.today()
    return training.cohort(
        status="in_progress", starts_on=today - timedelta(days=2), ends_on=today + timedelta(2)
    )


def people(make, org, n: int):
    return [make.user(org) for _ in range(n)]


def answered(training, make, org, cohort, values: list[int], comments=None):
    """``len(values)`` participants of ``cohort``, each rating every question ``value``."""
    comments = comments or [""] * len(values)
    for value, comment in zip(values, comments, strict=True):
        person = make.user(org)
        training.enrollment(cohort, person)
        with unit_of_work():
            feedback.submit(person, cohort.id, answer(ratings=ratings(value), comment=comment))


# ---- who answers, once, until when ------------------------------------------------------------


def test_an_enrolled_participant_answers_once_and_may_change_it(db, training, running, participant):
    training.enrollment(running, participant)
    with unit_of_work():
        feedback.submit(participant, running.id, answer())
    with pytest.raises(Conflict), unit_of_work():
        feedback.submit(participant, running.id, answer())
    with unit_of_work():
        feedback.update(participant, running.id, answer(comment="Changed.", recommend=None))
    rows = list(_db.session.scalars(select(FeedbackResponse)))
    assert len(rows) == 1
    assert rows[0].comment == "Changed." and "recommend" not in rows[0].ratings


def test_a_completed_participant_answers_too(db, training, participant):
    cohort = training.cohort(status="completed", starts_on=date.today() - timedelta(days=10))
    training.enrollment(cohort, participant, "completed")
    with unit_of_work():
        feedback.submit(participant, cohort.id, answer())
    assert _db.session.scalar(select(func.count(FeedbackResponse.id))) == 1


@pytest.mark.parametrize("status", ["waitlisted", "applied", "withdrawn", "offered", "rejected"])
def test_only_enrolled_or_completed_people_answer(db, training, running, participant, status):
    training.enrollment(running, participant, status)
    with pytest.raises(PermissionDenied), unit_of_work():
        feedback.submit(participant, running.id, answer())


def test_someone_not_enrolled_and_their_org_admin_may_not_answer(
    db, training, running, participant, city_admin
):
    training.enrollment(running, participant)
    with pytest.raises(PermissionDenied), unit_of_work():
        feedback.submit(city_admin, running.id, answer())  # no answering for a colleague


@pytest.mark.parametrize("status", ["published", "draft", "cancelled"])
def test_the_survey_opens_when_the_cohort_starts(db, training, participant, status):
    cohort = training.cohort(status=status)
    training.enrollment(cohort, participant)
    error = NotFound if status == "draft" else Conflict  # a draft is invisible to members
    with pytest.raises(error), unit_of_work():
        feedback.submit(participant, cohort.id, answer())


def test_answers_and_changes_close_30_days_after_the_end(db, training, participant, make, city):
    today = date.today()
    open_cohort = training.cohort(
        status="completed", starts_on=today - timedelta(35), ends_on=today - timedelta(29)
    )
    closed = training.cohort(
        status="completed", starts_on=today - timedelta(40), ends_on=today - timedelta(32)
    )
    training.enrollment(open_cohort, participant, "completed")
    training.enrollment(closed, participant, "completed")
    with unit_of_work():
        feedback.submit(participant, open_cohort.id, answer())
    with pytest.raises(Conflict), unit_of_work():
        feedback.submit(participant, closed.id, answer())
    # An answer given in time can no longer be changed once closed.
    _db.session.add(FeedbackResponse(cohort_id=closed.id, enrollment_id=_enr(closed, participant)))
    _db.session.commit()
    with pytest.raises(Conflict), unit_of_work():
        feedback.update(participant, closed.id, answer())


def _enr(cohort, person) -> int:
    from seoul_platform.training.models import Enrollment

    return _db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.cohort_id == cohort.id, Enrollment.user_id == person.id
        )
    )


def test_closes_at_is_the_end_of_the_30th_day_after_in_the_cohorts_zone():
    cohort = Cohort(ends_on=date(2027, 5, 14), timezone="Asia/Seoul")
    assert feedback.closes_at(cohort) == datetime(2027, 6, 13, 15, 0, tzinfo=UTC)
    cohort.timezone = "Not/AZone"  # a bad zone falls back to Seoul rather than failing
    assert feedback.closes_at(cohort) == datetime(2027, 6, 13, 15, 0, tzinfo=UTC)


def test_update_before_any_answer_is_not_found(db, training, running, participant):
    training.enrollment(running, participant)
    with pytest.raises(NotFound), unit_of_work():
        feedback.update(participant, running.id, answer())


# ---- aggregates and anonymity -----------------------------------------------------------------


def test_aggregate_maths():
    answers = [
        ({**ratings(5), "recommend": 1}, "b comment"),
        ({**ratings(4), "recommend": 0}, ""),
        ({**ratings(3), "overall": 1}, "A comment\nsecond line"),
        ({"overall": 6, "content": "5", "speakers": True, "recommend": True}, "  "),  # junk
    ]
    summary = feedback.aggregate(answers, responses=4, participants=8, threshold=3)
    assert summary.shown and summary.rate == 0.5
    overall = summary.questions[0]
    assert overall.key == "overall" and overall.answered == 3
    assert overall.distribution == {1: 1, 2: 0, 3: 0, 4: 1, 5: 1}
    assert overall.mean == pytest.approx(10 / 3)
    content = summary.questions[1]
    assert content.answered == 3 and content.mean == pytest.approx(4.0)
    assert (summary.recommend_yes, summary.recommend_no) == (1, 1)
    # Alphabetical, case-insensitive: never arrival order.
    assert summary.comments == ["A comment\nsecond line", "b comment"]


def test_below_three_answers_everything_but_the_counts_is_withheld():
    summary = feedback.aggregate(
        [(ratings(5), "Mine")] * 2, responses=2, participants=9, threshold=3
    )
    assert not summary.shown and summary.responses == 2
    assert summary.comments == [] and all(q.mean is None for q in summary.questions)
    assert all(sum(q.distribution.values()) == 0 for q in summary.questions)


def test_cohort_summary_counts_current_participants_only(
    db, training, make, city, running, official
):
    answered(training, make, city, running, [5, 4, 3], ["zeta", "Alpha", ""])
    training.enrollment(running, make.user(city))  # a participant who has not answered
    gone = make.user(city)
    training.enrollment(running, gone)
    with unit_of_work():
        feedback.submit(gone, running.id, answer(comment="left"))
    enrollment = _db.session.get(
        __import__("seoul_platform.training.models", fromlist=["Enrollment"]).Enrollment,
        _enr(running, gone),
    )
    enrollment.status = "withdrawn"
    _db.session.commit()
    _cohort, summary = feedback.cohort_summary(official, running.id)
    assert (summary.responses, summary.participants) == (3, 4)
    assert summary.comments == ["Alpha", "zeta"]
    assert summary.questions[0].mean == pytest.approx(4.0)


def test_only_officials_see_summaries(db, training, running, participant, city_admin):
    training.enrollment(running, participant)
    for actor in (participant, city_admin, None):
        with pytest.raises(PermissionDenied):
            feedback.cohort_summary(actor, running.id)
        with pytest.raises(PermissionDenied):
            feedback.programme_summary(actor, running.programme_id)


def test_programme_pools_only_cohorts_with_enough_answers(db, training, make, city, official):
    programme = training.programme()
    today = date.today()
    big = training.cohort(programme, status="in_progress", starts_on=today - timedelta(1))
    small = training.cohort(programme, status="in_progress", starts_on=today - timedelta(1))
    answered(training, make, city, big, [5, 5, 4], ["big one", "big two", ""])
    answered(training, make, city, small, [1], ["the only small one"])
    _p, summary = feedback.programme_summary(official, programme.id)
    assert summary.responses == 4 and summary.shown
    assert [(c.title, c.responses, c.included) for c in summary.cohorts] == [
        (big.title, 3, True),
        (small.title, 1, False),
    ]
    # Subtracting the big cohort's figures would reveal the small one's: it is left out.
    assert summary.questions[0].distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}
    assert "the only small one" not in summary.comments


# ---- pages ------------------------------------------------------------------------------------


def _post(client, path: str, data: dict):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def _form(value: int = 4, **extra) -> dict:
    return {**{f"rating-{k}": str(value) for k in feedback.QUESTIONS}, **extra}


def test_the_survey_page_saves_and_changes_an_answer(app, db, training, running, participant):
    training.enrollment(running, participant)
    client = signed_in(app, participant)
    path = f"/training/cohorts/{running.id}/feedback"
    page = client.get(path).get_data(as_text=True)
    assert "<fieldset" in page and "<legend>" in page and 'type="radio"' in page
    response = _post(client, path, _form(4, recommend="yes", comment="Line one\r\nLine two"))
    assert response.status_code == 302
    saved = _db.session.scalar(select(FeedbackResponse))
    assert saved.ratings["overall"] == 4 and saved.ratings["recommend"] == 1
    assert saved.comment == "Line one\nLine two"
    response = _post(client, path, _form(2, recommend="", comment=""))
    assert response.status_code == 302
    _db.session.expire_all()
    saved = _db.session.scalar(select(FeedbackResponse))
    assert saved.ratings == ratings(2) and saved.comment == ""
    page = client.get(path).get_data(as_text=True)
    assert 'value="2" checked' in page


@pytest.mark.parametrize(
    "data",
    [
        _form(0),
        _form(6),
        {**_form(4), "rating-overall": ""},
        {**_form(4), "rating-content": "4.0"},
        {**_form(4), "recommend": "maybe"},
        _form(4, comment="x" * 2001),
    ],
)
def test_bad_form_input_is_refused_and_stores_nothing(
    app, db, training, running, participant, data
):
    training.enrollment(running, participant)
    client = signed_in(app, participant)
    response = _post(client, f"/training/cohorts/{running.id}/feedback", data)
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    assert _db.session.scalar(select(func.count(FeedbackResponse.id))) == 0


def test_the_page_says_why_someone_may_not_answer(app, db, training, participant, make, city):
    cohort = training.cohort(status="published")
    training.enrollment(cohort, participant)
    client = signed_in(app, participant)
    page = client.get(f"/training/cohorts/{cohort.id}/feedback").get_data(as_text=True)
    assert "opens when the cohort starts" in page and 'type="radio"' not in page
    response = _post(client, f"/training/cohorts/{cohort.id}/feedback", _form())
    assert response.status_code == 409
    outsider = signed_in(app, make.user(city))
    response = _post(outsider, f"/training/cohorts/{cohort.id}/feedback", _form())
    assert response.status_code == 403


def test_results_pages_in_english_and_korean(app, db, training, make, city, running, official):
    answered(training, make, city, running, [5, 4, 2], ["<script>x</script>", "Good", "Bad"])
    names = [
        p.name
        for p in _db.session.scalars(
            select(__import__("seoul_platform.accounts.models", fromlist=["User"]).User)
        )
    ]
    client = signed_in(app, official)
    for path in (
        f"/training/cohorts/{running.id}/feedback/results",
        f"/training/programmes/{running.programme_id}/feedback/results",
    ):
        page = client.get(path).get_data(as_text=True)
        assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
        assert '<th scope="row">5</th>' in page and "Mean 3.67 out of 5" in page
        assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page
        assert not any(name in page for name in names if name != official.name)
        client.set_cookie("lang", "ko")
        korean = client.get(path).get_data(as_text=True)
        client.delete_cookie("lang")
        assert 'lang="ko"' in korean and "평균" in korean and "Mean 3.67" not in korean


def test_results_below_the_threshold_say_so(app, db, training, make, city, running, official):
    answered(training, make, city, running, [5, 4], ["mine", "yours"])
    page = (
        signed_in(app, official)
        .get(f"/training/cohorts/{running.id}/feedback/results")
        .get_data(as_text=True)
    )
    assert "from 3 answers on" in page and "mine" not in page and 'role="img"' not in page


@pytest.mark.parametrize("role", ["visitor", "member", "participant", "org_admin", "company"])
def test_results_and_exports_are_for_officials_only(
    app, db, training, running, participant, city_admin, company_admin, make, city, role
):
    training.enrollment(running, participant)
    actor = {
        "member": lambda: make.user(city),
        "participant": lambda: participant,
        "org_admin": lambda: city_admin,
        "company": lambda: company_admin,
    }.get(role)
    client = signed_in(app, actor()) if actor else app.test_client()
    for path in (
        f"/training/cohorts/{running.id}/feedback/results",
        f"/training/programmes/{running.programme_id}/feedback/results",
        f"/training/cohorts/{running.id}/roster.csv",
        f"/training/cohorts/{running.id}/attendance.csv",
        f"/training/cohorts/{running.id}/feedback.csv",
    ):
        response = client.get(path)
        assert response.status_code == (302 if role == "visitor" else 403), path


def test_unknown_ids_are_404_for_officials(app, db, official):
    client = signed_in(app, official)
    for path in (
        "/training/cohorts/999999/feedback/results",
        "/training/programmes/999999/feedback/results",
        "/training/cohorts/999999/roster.csv",
        "/training/cohorts/999999/feedback",
    ):
        assert client.get(path).status_code == 404, path


def test_the_cohort_panel(app, db, training, running, participant, official, make, city):
    from seoul_platform.training import panels

    training.enrollment(running, participant)
    with app.test_request_context():
        mine = panels.collect("cohort", participant, running)
        theirs = panels.collect("cohort", official, running)
        nobody = panels.collect("cohort", make.user(city), running)
    ours = [p for p in mine if p.template == "training/feedback/_cohort_panel.html"]
    assert ours and ours[0].context["state"].may_answer
    assert [p.context["official"] for p in theirs if "feedback" in p.template] == [True]
    assert not [p for p in nobody if "feedback" in p.template]


# ---- the API ----------------------------------------------------------------------------------


def test_api_post_put_get_and_summary(app, db, client, training, running, participant, official):
    training.enrollment(running, participant)
    headers = bearer(client, participant)
    path = f"/api/v1/cohorts/{running.id}/feedback"
    assert client.get(path, headers=headers).status_code == 404
    assert client.put(path, json=GOOD, headers=headers).status_code == 404
    created = client.post(path, json=GOOD, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["ratings"] == GOOD["ratings"] and body["recommend"] is True and body["editable"]
    assert "enrollment_id" not in body and "user" not in body
    assert client.post(path, json=GOOD, headers=headers).status_code == 409
    changed = client.put(path, json={**GOOD, "comment": "New", "recommend": False}, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["recommend"] is False
    assert client.get(path, headers=headers).get_json()["comment"] == "New"
    # The participant may not read the summary; the official may.
    summary_path = f"/api/v1/cohorts/{running.id}/feedback/summary"
    assert client.get(summary_path, headers=headers).status_code == 403
    official_headers = bearer(client, official)
    summary = client.get(summary_path, headers=official_headers).get_json()
    assert summary["responses"] == 1 and summary["shown"] is False
    assert summary["comments"] == [] and summary["questions"][0]["distribution"] is None
    assert participant.name not in str(summary)


def test_api_programme_summary(app, db, client, training, make, city, running, official):
    answered(training, make, city, running, [5, 5, 5], ["a", "b", "c"])
    headers = bearer(client, official)
    body = client.get(
        f"/api/v1/programs/{running.programme_id}/feedback/summary", headers=headers
    ).get_json()
    assert body["shown"] and body["questions"][0]["mean"] == 5.0
    assert body["questions"][0]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 3}
    assert body["cohorts"][0]["included"] and body["comments"] == ["a", "b", "c"]


@pytest.mark.parametrize(
    "body",
    [
        {**GOOD, "ratings": ratings(0)},
        {**GOOD, "ratings": ratings(6)},
        {**GOOD, "ratings": {**GOOD["ratings"], "overall": "5"}},
        {**GOOD, "ratings": {**GOOD["ratings"], "overall": 4.5}},
        {**GOOD, "ratings": {**GOOD["ratings"], "overall": True}},
        {**GOOD, "ratings": {**GOOD["ratings"], "overall": {"value": 5}}},
        {**GOOD, "ratings": {**GOOD["ratings"], "overall": [5]}},
        {**GOOD, "ratings": {"overall": 5}},
        {**GOOD, "ratings": "5"},
        {**GOOD, "comment": "x" * 2001},
        {**GOOD, "comment": {"text": "nested"}},
        {**GOOD, "recommend": "yes"},
    ],
)
def test_api_hostile_input_is_422_and_stores_nothing(
    app, db, client, training, running, participant, body
):
    training.enrollment(running, participant)
    headers = bearer(client, participant)
    response = client.post(f"/api/v1/cohorts/{running.id}/feedback", json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert _db.session.scalar(select(func.count(FeedbackResponse.id))) == 0


def test_api_comment_keeps_line_breaks_and_drops_controls(
    app, db, client, training, running, participant
):
    training.enrollment(running, participant)
    headers = bearer(client, participant)
    body = {**GOOD, "comment": "one\r\ntwo\u202ethree", "enrollment_id": 999, "cohort_id": 1}
    response = client.post(f"/api/v1/cohorts/{running.id}/feedback", json=body, headers=headers)
    assert response.status_code == 201
    saved = _db.session.scalar(select(FeedbackResponse))
    assert saved.comment == "one\ntwothree" and saved.cohort_id == running.id


@pytest.mark.parametrize("role", ["member", "org_admin", "company"])
def test_api_per_role(
    app, db, client, training, running, participant, city_admin, company_admin, make, city, role
):
    training.enrollment(running, participant)
    actor = {"member": make.user(city), "org_admin": city_admin, "company": company_admin}[role]
    headers = bearer(client, actor)
    base = f"/api/v1/cohorts/{running.id}"
    assert client.post(f"{base}/feedback", json=GOOD, headers=headers).status_code == 403
    for path in (
        f"{base}/feedback/summary",
        f"/api/v1/programs/{running.programme_id}/feedback/summary",
        f"{base}/roster.csv",
        f"{base}/attendance.csv",
        f"{base}/feedback.csv",
    ):
        assert client.get(path, headers=headers).status_code == 403, path
    assert app.test_client().get(f"{base}/feedback/summary").status_code == 401


def test_a_raced_second_answer_is_a_conflict_not_a_500(
    db, training, running, participant, monkeypatch
):
    """Two requests of one person: both pass the "not answered yet" check, the unique
    enrollment_id refuses the second; the service turns that into a Conflict."""
    training.enrollment(running, participant)
    with unit_of_work():
        feedback.submit(participant, running.id, answer())
    monkeypatch.setattr(feedback, "own_response", lambda enrollment: None)
    with pytest.raises(Conflict), unit_of_work():
        feedback.submit(participant, running.id, answer())
    assert _db.session.scalar(select(func.count(FeedbackResponse.id))) == 1


def test_api_huge_comment_is_refused_and_stores_nothing(
    app, db, client, training, running, participant
):
    training.enrollment(running, participant)
    headers = bearer(client, participant)
    body = {**GOOD, "comment": "안녕 " * 200_000}
    response = client.post(f"/api/v1/cohorts/{running.id}/feedback", json=body, headers=headers)
    assert response.status_code in (413, 422)
    assert response.mimetype == "application/problem+json"
    assert _db.session.scalar(select(func.count(FeedbackResponse.id))) == 0


def test_the_survey_page_costs_the_same_however_many_answered(
    app, db, training, make, city, running, participant
):
    from members.test_query_counts import count_queries

    training.enrollment(running, participant)
    client = signed_in(app, participant)
    path = f"/training/cohorts/{running.id}/feedback"
    answered(training, make, city, running, [3])
    with count_queries(_db.engine) as few:
        assert client.get(path).status_code == 200
    answered(training, make, city, running, [4] * 6)
    with count_queries(_db.engine) as many:
        assert client.get(path).status_code == 200
    assert len(few) == len(many)
