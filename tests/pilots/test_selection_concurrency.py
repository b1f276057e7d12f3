"""Ten officials approving the same selection at once: one success, one history entry, one
partnership, one set of notifications; the other nine a 409 naming the current state."""

from __future__ import annotations

import threading

from pilots.proposal_support import count, moves, notifications
from sqlalchemy import select

from seoul_platform.audit.models import StateChange
from seoul_platform.pilots.models import Partnership
from support import bearer


def test_ten_concurrent_approvals_make_one_partnership(
    app, client, db, pilots, city, company, other_company, make
):
    make.user(city, email="c@testville.example")
    make.user(company, email="p@acme.example")
    make.user(other_company, email="b@beta.example")
    req = pilots.request(city, "partner_selected")
    pilots.interest(req, company, "selected")
    pilots.interest(req, other_company, "shortlisted")
    officials = [make.user(official=True, email=f"o{i}@seoul.example") for i in range(10)]
    url, body = f"/api/v1/pilot-requests/{req.id}/partnership", {"company_id": company.id}
    tokens = [bearer(client, person) for person in officials]
    db.session.commit()  # the test's own session holds no transaction while they race
    results: list[tuple[int, str]] = []
    barrier = threading.Barrier(10)

    def approve(i: int) -> None:
        own = app.test_client()
        barrier.wait()
        response = own.post(url, json=body, headers=tokens[i])
        results.append((response.status_code, (response.get_json() or {}).get("detail", "")))

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = [s for s, _ in results]
    assert statuses.count(201) == 1, results
    assert statuses.count(409) == 9, results
    assert {d for s, d in results if s == 409} == {"This partnership is already in progress."}
    assert count(Partnership) == 1
    assert moves("pilot_request", req.id) == [("partner_selected", "in_progress")]
    assert (
        len(
            db.session.scalars(
                select(StateChange).where(StateChange.to_state == "not_selected")
            ).all()
        )
        == 1
    )
    assert len(notifications("proposal.not_selected")) == 1
    assert (
        len(notifications("partnership.approved")) == 2
    )  # a member of the city and of the partner
