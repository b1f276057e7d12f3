"""Concurrent moves of one request: of ten officials opening the same submitted request as a
call, exactly one succeeds (one history entry, one set of notifications); the others get a
409 naming the state. The deadline job racing an official's early close makes one move.

Runs on file SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Each thread
has its own app context (its own session) and takes the write intent, as web requests do."""

from __future__ import annotations

import threading

from sqlalchemy import func, select, update

from seoul_platform.audit.models import StateChange
from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work, utcnow
from seoul_platform.errors import Conflict
from seoul_platform.notifications.models import Notification
from seoul_platform.pilots import requests as services
from seoul_platform.pilots import review
from seoul_platform.pilots.models import PilotRequest, RequestStatus


def _race(app, workers):
    """Run each callable in its own thread and app context, all released together."""
    barrier = threading.Barrier(len(workers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(work):
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work(write=True):
                    result = work()
                outcome = "ok" if result is not False else "noop"
            except Conflict as err:
                outcome = f"409:{err.detail}"
            finally:
                _db.session.remove()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_ten_officials_opening_one_request_make_one_move(app, db, make, pilots, city, city_member):
    req = pilots.request(city, "submitted")
    people = [make.user(official=True) for _ in range(10)]
    ids = [p.id for p in people]
    req_id = req.id

    def opener(user_id):
        def work():
            actor = _db.session.get(type(people[0]), user_id)
            review.open_call(actor, req_id)

        return work

    # End the test's own transaction: after an earlier test's POST the main thread may still
    # carry the write intent (app.py sets it per request and never resets it), so even a read
    # here would hold SQLite's write lock and starve the threads.
    db.session.commit()
    outcomes = _race(app, [opener(i) for i in ids])
    assert outcomes.count("ok") == 1, outcomes
    losers = [o for o in outcomes if o != "ok"]
    assert len(losers) == 9
    assert all(o == "409:This call for proposals is open." for o in losers), losers
    db.session.commit()  # end the test's read snapshot (SQLite) to see the threads' commits
    assert db.session.get(PilotRequest, req_id).status == RequestStatus.OPEN
    moves = db.session.scalar(
        select(func.count(StateChange.id)).where(StateChange.to_state == "open")
    )
    assert moves == 1
    opened = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.kind == "pilot_request.opened")
    )
    assert opened == 1  # the city's one member, once


def test_the_deadline_job_racing_an_early_close_makes_one_move(
    app, db, official, pilots, city, city_member
):
    req = pilots.request(city, "open")
    req_id, official_id = req.id, official.id
    db.session.execute(
        update(PilotRequest).where(PilotRequest.id == req_id).values(deadline=utcnow())
    )
    db.session.commit()

    def early_close():
        actor = _db.session.get(type(official), official_id)
        review.close_call(actor, req_id, "Enough proposals.")

    db.session.commit()
    outcomes = _race(app, [early_close, services.close_overdue_requests])
    db.session.commit()
    # The job reports 0 closed (no error) when the official won; the official gets a 409.
    assert sorted(o.split(":")[0] for o in outcomes) in (["ok", "ok"], ["409", "ok"]), outcomes
    moves = db.session.scalars(
        select(StateChange.role).where(StateChange.subject_id == req_id)
    ).all()
    assert len(moves) == 1 and moves[0] in ("official", "system")
    closed = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.kind == "pilot_request.closed")
    )
    assert closed == 1  # the city's member, told once
