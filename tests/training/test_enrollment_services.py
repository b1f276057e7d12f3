"""Enrollment services: applying (first-come, reviewed, for a colleague), officials'
decisions one by one and in bulk, quotas and the per-organisation limit, the lists and the
cohort's mix, the prerequisite; every change in the history, the notifications and who gets
them."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work, utcnow
from seoul_platform.errors import Conflict, NotFound, PermissionDenied, ValidationError
from seoul_platform.lifecycle import history
from seoul_platform.members.models import Award
from seoul_platform.notifications.models import Notification
from seoul_platform.pagination import PageQuery
from seoul_platform.training import enrollments as svc
from seoul_platform.training.models import Cohort, Enrollment


def run(fn, *args, **kwargs):
    with unit_of_work(write=True):
        return fn(*args, **kwargs)


def apply(person, cohort, **kw):
    e = run(svc.apply_to_cohort, person, cohort.id, **kw)
    return e.id, e.status.value


def status_of(enrollment_id):
    _db.session.commit()
    return _db.session.get(Enrollment, enrollment_id, populate_existing=True).status.value


def states(enrollment_id):
    return [(c.from_state, c.to_state) for c in history("enrollment", enrollment_id)]


def kinds_for(user):
    _db.session.commit()
    return _db.session.scalars(
        select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def seats_taken(cohort):
    _db.session.commit()
    return _db.session.get(Cohort, cohort.id, populate_existing=True).seats_taken


@contextlib.contextmanager
def counted_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "BEGIN")):
            statements.append(statement)

    event.listen(_db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(_db.engine, "before_cursor_execute", before)


@pytest.fixture
def people(make):
    """Factory of active members, each in an organisation of its own (or the one given)."""

    def build(n=1, org=None, region="europe", **org_fields):
        out = []
        for _ in range(n):
            home = org or make.org("city", region=region, **org_fields)
            out.append(make.user(home))
        return out

    return build


# ---- first-come ------------------------------------------------------------------------------


def test_first_come_enrolls_until_full_then_waitlists_in_order(db, training, people):
    cohort = training.cohort(capacity=2)
    a, b, c, d = people(4)
    results = [apply(p, cohort) for p in (a, b, c, d)]
    assert [s for _, s in results] == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    rows = [db.session.get(Enrollment, i) for i, _ in results]
    assert [r.ticket for r in rows] == [1, 2, 3, 4]
    assert all(len(r.letter_code) >= 32 for r in rows[:2])  # 24 bytes = 192 bits
    assert rows[2].letter_code is None
    assert seats_taken(cohort) == 2
    assert [svc.waitlist_position(r) for r in rows] == [None, None, 1, 2]
    # The first state is in the history, with the reason for the waitlist.
    assert states(rows[0].id) == [("", "enrolled")]
    assert [(c.to_state, c.reason) for c in history("enrollment", rows[2].id)] == [
        ("waitlisted", "full")
    ]
    assert kinds_for(a) == ["training.enrolled"]
    assert kinds_for(c) == ["training.waitlisted"]
    note = db.session.scalar(select(Notification).where(Notification.user_id == d.id))
    assert note.params == {"cohort": cohort.title, "position": 2}
    assert note.link == f"/training/enrollments/{rows[3].id}"


def test_applying_twice_is_a_conflict_naming_the_state(db, training, people):
    cohort = training.cohort(capacity=1)
    a, b = people(2)
    apply(a, cohort)
    apply(b, cohort)
    with pytest.raises(Conflict, match="already enrolled"):
        apply(a, cohort)
    with pytest.raises(Conflict, match="already on the waitlist"):
        apply(b, cohort)
    assert db.session.scalar(select(Cohort.next_ticket).where(Cohort.id == cohort.id)) == 3


def test_withdrawn_applies_again_at_the_back_of_the_line(db, training, people):
    cohort = training.cohort(capacity=1)
    a, b, c = people(3)
    ea, _ = apply(a, cohort)
    eb, _ = apply(b, cohort)
    run(svc.withdraw_enrollment, a, ea)
    assert status_of(eb) == "offered"  # the freed seat goes to b
    apply(c, cohort)
    again, status = apply(a, cohort)
    assert again == ea and status == "waitlisted"
    rows = {
        e.user_id: e
        for e in db.session.scalars(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    }
    assert rows[a.id].ticket == 4 and rows[c.id].ticket == 3
    assert svc.waitlist_position(rows[a.id]) == 2
    assert states(ea) == [("", "enrolled"), ("enrolled", "withdrawn"), ("withdrawn", "waitlisted")]


def test_a_rejected_person_cannot_apply_again(db, training, people, official):
    cohort = training.cohort(capacity=3, admission="reviewed")
    (a,) = people(1)
    ea, status = apply(a, cohort)
    assert status == "applied"
    run(svc.decide_enrollment, official, ea, "reject", "Not this year.")
    with pytest.raises(Conflict, match="rejected"):
        apply(a, cohort)


def test_eligibility_reasons_are_a_422_with_their_codes(db, training, people, make):
    cohort = training.cohort(
        application_deadline=utcnow() - timedelta(hours=1), org_kinds=["company"]
    )
    (a,) = people(1)
    with pytest.raises(ValidationError) as err:
        apply(a, cohort)
    assert set(err.value.errors) == {"deadline_passed", "org_kind"}
    assert db.session.scalar(select(Enrollment.id)) is None


def test_a_draft_cohort_is_not_found_and_an_unknown_one_too(db, training, people):
    (a,) = people(1)
    with pytest.raises(NotFound):
        apply(a, training.cohort(status="draft"))
    with pytest.raises(NotFound):
        run(svc.apply_to_cohort, a, 999_999)


def test_an_org_admin_applies_for_a_colleague_but_not_for_others(db, training, make, city):
    cohort = training.cohort()
    admin = make.user(city, role="admin")
    colleague = make.user(city)
    outsider = make.user(make.org("company"))
    member = make.user(city)
    e = run(svc.apply_to_cohort, admin, cohort.id, user_id=colleague.id, motivation="  Keen. ")
    assert (e.user_id, e.applied_by_id, e.motivation) == (colleague.id, admin.id, "Keen.")
    assert kinds_for(colleague) == ["training.enrolled"]
    assert kinds_for(admin) == ["training.enrolled"]  # the admin who applied is told too
    with pytest.raises(PermissionDenied):
        run(svc.apply_to_cohort, admin, cohort.id, user_id=outsider.id)
    with pytest.raises(PermissionDenied):
        run(svc.apply_to_cohort, member, cohort.id, user_id=admin.id)
    with pytest.raises(NotFound):
        run(svc.apply_to_cohort, admin, cohort.id, user_id=999_999)


# ---- quotas and the per-organisation limit ---------------------------------------------------


def test_the_per_organisation_limit_waitlists_the_third_colleague(db, training, make, people):
    cohort = training.cohort(capacity=5, per_org_limit=2)
    org = make.org("city", region="asia")
    a, b, c = people(3, org=org)
    (d,) = people(1)
    assert [apply(p, cohort)[1] for p in (a, b, c, d)] == [
        "enrolled",
        "enrolled",
        "waitlisted",
        "enrolled",
    ]
    third = db.session.scalar(select(Enrollment).where(Enrollment.user_id == c.id))
    assert history("enrollment", third.id)[0].reason == "organization_limit"


def test_a_regional_maximum_and_a_reservation_until_its_date(db, training, people):
    cohort = training.cohort(
        capacity=4,
        quotas=[
            {"region": "asia", "max_seats": 2},
            {
                "region": "africa",
                "reserved_seats": 1,
                "reserved_until": utcnow() + timedelta(days=3),
            },
        ],
    )
    asians = people(3, region="asia")
    (european,) = people(1, region="europe")
    (late_european,) = people(1, region="europe")
    (african,) = people(1, region="africa")
    got = [apply(p, cohort)[1] for p in [*asians, european, late_european, african]]
    # Asia stops at 2; Europe gets the third seat; the fourth is Africa's until its date.
    assert got == ["enrolled", "enrolled", "waitlisted", "enrolled", "waitlisted", "enrolled"]
    reasons = {
        e.user_id: history("enrollment", e.id)[0].reason
        for e in db.session.scalars(select(Enrollment).where(Enrollment.status == "waitlisted"))
    }
    assert reasons == {asians[2].id: "region_limit", late_european.id: "reserved"}


def test_after_the_reservation_date_a_newcomer_waits_behind_the_line(db, training, people):
    cohort = training.cohort(
        capacity=2,
        quotas=[
            {
                "region": "africa",
                "reserved_seats": 1,
                "reserved_until": utcnow() + timedelta(days=3),
            }
        ],
    )
    a, b, c = people(3, region="europe")
    apply(a, cohort)
    eb, status = apply(b, cohort)
    assert status == "waitlisted"
    from seoul_platform.training.models import CohortQuota

    quota = db.session.scalar(select(CohortQuota))
    quota.reserved_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    # The reservation lapsed without an event: the next apply offers the seat to b first.
    _, status = apply(c, cohort)
    assert status == "waitlisted"
    assert status_of(eb) == "offered"


# ---- reviewed cohorts and officials' decisions -----------------------------------------------


def test_reviewed_decisions_accept_reject_waitlist(db, training, people, official):
    cohort = training.cohort(capacity=1, admission="reviewed")
    a, b, c = people(3)
    ids = [apply(p, cohort)[0] for p in (a, b, c)]
    assert [status_of(i) for i in ids] == ["applied"] * 3
    assert kinds_for(a) == ["training.applied"]
    e = run(svc.decide_enrollment, official, ids[0], "accept")
    assert e.status.value == "enrolled" and e.letter_code and e.decided_by_id == official.id
    with pytest.raises(Conflict, match="The cohort is full"):
        run(svc.decide_enrollment, official, ids[1], "accept")
    with pytest.raises(ValidationError):
        run(svc.decide_enrollment, official, ids[1], "reject", "  ")
    run(svc.decide_enrollment, official, ids[1], "reject", "Outside the programme's focus.")
    run(svc.decide_enrollment, official, ids[2], "waitlist")
    assert [status_of(i) for i in ids] == ["enrolled", "rejected", "waitlisted"]
    assert kinds_for(a) == ["training.applied", "training.enrolled"]
    assert kinds_for(b) == ["training.applied", "training.rejected"]
    assert kinds_for(c) == ["training.applied", "training.waitlisted"]
    rejected = history("enrollment", ids[1])[-1]
    assert (rejected.role, rejected.reason) == ("official", "Outside the programme's focus.")
    with pytest.raises(ValidationError):
        run(svc.decide_enrollment, official, ids[2], "promote")


def test_accept_explains_a_quota_or_the_organisation_limit(db, training, make, official):
    cohort = training.cohort(
        capacity=5,
        admission="reviewed",
        per_org_limit=1,
        quotas=[{"region": "asia", "max_seats": 1}],
    )
    org = make.org("city", region="europe")
    a, b = make.user(org), make.user(org)
    x, y = make.user(make.org("city", region="asia")), make.user(make.org("city", region="asia"))
    ids = [apply(p, cohort)[0] for p in (a, b, x, y)]
    run(svc.decide_enrollment, official, ids[0], "accept")
    run(svc.decide_enrollment, official, ids[2], "accept")
    with pytest.raises(Conflict, match="organisation already holds"):
        run(svc.decide_enrollment, official, ids[1], "accept")
    with pytest.raises(Conflict, match="region has reached"):
        run(svc.decide_enrollment, official, ids[3], "accept")


def test_only_officials_decide(db, training, people, make, city):
    cohort = training.cohort(admission="reviewed")
    (a,) = people(1)
    ea, _ = apply(a, cohort)
    with pytest.raises(PermissionDenied):
        run(svc.decide_enrollment, a, ea, "accept")
    with pytest.raises(NotFound):  # another member may not even know it exists
        run(svc.decide_enrollment, make.user(city), ea, "accept")
    with pytest.raises(PermissionDenied):
        run(svc.decide_enrollments, a, cohort.id, [ea], "accept")


def test_bulk_decisions_under_one_lock_report_each(db, training, people, official):
    cohort = training.cohort(capacity=2, admission="reviewed")
    others = training.cohort(admission="reviewed")
    persons = people(4)
    ids = [apply(p, cohort)[0] for p in persons]
    foreign, _ = apply(persons[0], others)
    results = run(
        svc.decide_enrollments, official, cohort.id, [ids[3], *ids[:3], foreign], "accept"
    )
    assert [(i, ok) for i, ok, _ in results] == [
        (ids[0], True),
        (ids[1], True),
        (ids[2], False),
        (ids[3], False),
        (foreign, False),
    ]
    assert "full" in results[2][2]
    assert seats_taken(cohort) == 2
    results = run(svc.decide_enrollments, official, cohort.id, ids[2:], "reject", "No seats.")
    assert all(ok for _, ok, _ in results)
    with pytest.raises(ValidationError):
        run(svc.decide_enrollments, official, cohort.id, ids, "reject")


# ---- reading ---------------------------------------------------------------------------------


def test_who_sees_an_enrollment(db, training, make, city, official):
    cohort = training.cohort()
    member = make.user(city)
    admin = make.user(city, role="admin")
    stranger = make.user(make.org("company"))
    ea, _ = apply(member, cohort)
    for viewer in (member, admin, official):
        assert svc.get_enrollment(viewer, ea).id == ea
    for viewer in (stranger, None):
        with pytest.raises(NotFound):
            svc.get_enrollment(viewer, ea)
    with pytest.raises(NotFound):
        svc.get_enrollment(official, 999_999)
    assert [e.id for e in svc.list_my_enrollments(member)] == [ea]
    assert svc.list_my_enrollments(stranger) == []


def test_the_officials_list_is_paginated_in_ticket_order(db, training, people, official):
    cohort = training.cohort(capacity=2)
    persons = people(5)
    ids = [apply(p, cohort)[0] for p in persons]
    page = svc.list_cohort_enrollments(official, cohort.id, PageQuery(page=1, per_page=3))
    assert [e.id for e in page.items] == ids[:3] and page.total == 5 and page.pages == 2
    waiting = svc.list_cohort_enrollments(official, cohort.id, PageQuery(), status="waitlisted")
    assert [e.id for e in waiting.items] == ids[2:]
    with pytest.raises(ValidationError):
        svc.list_cohort_enrollments(official, cohort.id, PageQuery(), status="lost")
    with pytest.raises(PermissionDenied):
        svc.list_cohort_enrollments(persons[0], cohort.id, PageQuery())
    with pytest.raises(NotFound):
        svc.list_cohort_enrollments(official, 999_999, PageQuery())


def test_the_cohort_mix_in_two_queries(db, training, make, official):
    cohort = training.cohort(capacity=2, admission="reviewed")
    dk = make.org("city", region="europe", country="DK")
    rw = make.org("company", region="africa", country="RW")
    kr = make.org("institution", region="asia", country="KR")
    db.session.add_all(
        [
            Award(year=2024, category="tech_innovacity", organization_id=dk.id),
            Award(year=2025, category="human_centricity", organization_id=dk.id),
        ]
    )
    db.session.commit()
    a, b, c = make.user(dk), make.user(rw), make.user(kr)
    db.session.add(
        Award(year=2024, category="leadership", laureate_user_id=c.id, laureate_name="C")
    )
    db.session.commit()
    ids = [apply(p, cohort)[0] for p in (a, b, c)]
    run(svc.decide_enrollment, official, ids[0], "accept")
    run(svc.decide_enrollment, official, ids[2], "waitlist")  # a seat is free: offered
    _db.session.commit()
    cohort_id = cohort.id
    with counted_queries() as statements:
        mix = svc.cohort_mix(cohort_id)
    assert len(statements) == 2, statements
    assert mix["seated"]["total"] == 2
    assert mix["seated"]["region"] == {"europe": 1, "asia": 1}
    assert mix["seated"]["country"] == {"DK": 1, "KR": 1}
    assert mix["seated"]["org_kind"] == {"city": 1, "institution": 1}
    assert mix["seated"]["award_category"] == {
        "tech_innovacity": 1,
        "human_centricity": 1,
        "leadership": 1,
    }
    assert mix["applied"] == {
        "total": 1,
        "region": {"africa": 1},
        "award_category": {},
        "org_kind": {"company": 1},
        "country": {"RW": 1},
    }
    assert mix["waitlisted"]["total"] == 0


def test_confirming_the_prerequisite(db, training, people, official):
    with_module = training.cohort(
        prerequisite_title="Online module", prerequisite_url="https://e.example/m"
    )
    without = training.cohort()
    (a,) = people(1)
    ea, _ = apply(a, with_module)
    eb, _ = apply(a, without)
    first = run(svc.confirm_prerequisite, a, ea).prerequisite_confirmed_at
    assert first is not None
    assert run(svc.confirm_prerequisite, a, ea).prerequisite_confirmed_at == first
    with pytest.raises(Conflict):
        run(svc.confirm_prerequisite, a, eb)
    with pytest.raises(PermissionDenied):
        run(svc.confirm_prerequisite, official, ea)
