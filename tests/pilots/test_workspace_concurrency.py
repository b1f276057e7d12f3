"""Concurrent moves of one partnership: exactly one wins, the rest get 409 naming the state;
one history entry, one set of notifications. File SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from seoul_platform.audit.models import StateChange
from seoul_platform.notifications.models import Notification
from tests.support import bearer


def _race(app, url, bodies, headers):
    statuses: list[tuple[int, dict]] = []
    barrier = threading.Barrier(len(bodies))

    def go(body):
        client = app.test_client()
        barrier.wait()
        response = client.post(url, json=body, headers=headers)
        statuses.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=go, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_ten_concurrent_moves_one_wins(app, db, pilots, make, city, company):
    p = pilots.partnership(pilots.request(city, "draft"), company, status="in_progress")
    member = make.user(company)
    official = make.user(official=True)
    # Read everything the test needs before the token request: the test's thread keeps that
    # request's write intent, and a transaction it opened would hold SQLite's write lock.
    url, request_id, member_id = f"/api/v1/partnerships/{p.id}/transitions", p.request_id, member.id
    headers = bearer(app.test_client(), official)
    statuses = _race(app, url, [{"to": "evaluation"}] * 10, headers)
    codes = sorted(code for code, _ in statuses)
    assert codes == [200] + [409] * 9, statuses
    assert all("evaluated" in body["detail"] for code, body in statuses if code == 409)
    moves = db.session.scalar(
        select(func.count(StateChange.id)).where(StateChange.subject_id == request_id)
    )
    assert moves == 1
    sent = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == member_id)
    )
    assert sent == 1


def test_concurrent_completions_write_one_outcome(app, db, pilots, make, city, company, official):
    p = pilots.partnership(pilots.request(city, "draft"), company, status="evaluation")
    url = f"/api/v1/partnerships/{p.id}/transitions"
    headers = bearer(app.test_client(), official)
    bodies = [
        {"to": "completed", "outcome_summary": f"Outcome {i}", "lessons_learned": "Lessons"}
        for i in range(6)
    ]
    statuses = _race(app, url, bodies, headers)
    winners = [body for code, body in statuses if code == 200]
    assert len(winners) == 1 and sorted(c for c, _ in statuses)[1:] == [409] * 5
    db.session.expire_all()
    db.session.refresh(p)
    assert p.outcome_summary == winners[0]["outcome_summary"]
    assert p.completed_at is not None
