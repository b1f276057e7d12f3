"""Twenty simultaneous submits by one organisation: exactly one proposal, the rest a clear
409, never a 5xx (file SQLite by default; PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import threading

from pilots.proposal_support import GOOD, count, notifications

from seoul_platform.pilots.models import Interest
from support import bearer


def test_twenty_concurrent_submits_make_one_proposal(app, client, db, pilots, city, company, make):
    make.user(city, email="c@testville.example")
    url = f"/api/v1/pilot-requests/{pilots.request(city, 'open').id}/interests"
    colleagues = [make.user(company, email=f"p{i}@acme.example") for i in range(4)]
    tokens = [bearer(client, person) for person in colleagues]
    db.session.commit()  # the test's own session holds no transaction while they race
    statuses: list[int] = []
    details: list[str] = []
    barrier = threading.Barrier(20)

    def submit(i: int) -> None:
        own = app.test_client()
        barrier.wait()
        response = own.post(url, json=GOOD, headers=tokens[i % 4])
        statuses.append(response.status_code)
        if response.status_code == 409:
            details.append(response.get_json()["detail"])

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) == [201, 409], statuses
    assert statuses.count(201) == 1
    assert set(details) == {"Your organisation has already made a proposal for this call."}
    assert count(Interest) == 1
    assert len(notifications("proposal.received")) == 1
