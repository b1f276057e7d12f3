"""The weighted score (pure) and the selection services called directly (no HTTP)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pilots import proposal_support as ps

from seoul_platform.errors import Conflict, NotFound, PermissionDenied, ValidationError
from seoul_platform.pilots import proposal_scores, selection
from seoul_platform.pilots.proposal_schemas import ScoresIn

people = ps.people  # fixture


def _criteria(*weights):
    return [SimpleNamespace(id=i, name=f"C{i}", weight=w) for i, w in enumerate(weights, 1)]


def _scores(*values):
    return [
        SimpleNamespace(criterion_id=i, score=v, note="")
        for i, v in enumerate(values, 1)
        if v is not None
    ]


@pytest.mark.parametrize(
    ("weights", "values", "total"),
    [
        ((60, 40), (8, 5), 68.0),
        ((60, 40), (10, 10), 100.0),
        ((60, 40), (0, 0), 0.0),
        ((50, 30, 20), (7, 3, 9), 62.0),
        ((33, 33, 34), (1, 2, 3), 20.1),
        ((60, 40), (8, None), None),  # unfinished: no total
    ],
)
def test_weighted_total(weights, values, total):
    summary = proposal_scores.score_summary(_criteria(*weights), _scores(*values))
    assert summary.total == total
    assert summary.complete == (total is not None)
    assert summary.lines[0].points == weights[0] * values[0] / 10


def test_no_criteria_is_never_complete():
    summary = proposal_scores.score_summary([], [])
    assert summary.total is None and summary.scored == 0


def test_services_refuse_the_wrong_people_and_states(
    db, people, pilots, city, company, institution
):
    req = pilots.request(city, "closed")
    interest = pilots.interest(req, company)
    data = ScoresIn(scores=[{"criterion_id": req.criteria[0].id, "score": 5}])
    with pytest.raises(PermissionDenied):
        proposal_scores.score_proposal(people.proposer, interest.id, data)
    with pytest.raises(NotFound):
        proposal_scores.score_proposal(people.other_company, interest.id, data)
    with pytest.raises(PermissionDenied):
        selection.select_partner(people.official, req.id, interest.id)
    with pytest.raises(ValidationError):
        selection.select_partner(people.city, req.id, interest.id, third_party_id=company.id)
    with pytest.raises(Conflict):  # nothing selected yet
        selection.approve_selection(people.official, req.id)
    with pytest.raises(PermissionDenied):
        selection.approve_selection(people.city, req.id)
    chosen = selection.select_partner(people.city, req.id, interest.id, institution.id)
    db.session.commit()
    assert chosen.status.value == "selected" and chosen.third_party_id == institution.id
    partnership = selection.approve_selection(people.official, req.id, company.id)
    db.session.commit()
    assert partnership.party_ids == {city.id, company.id, institution.id}
    assert selection.get_partnership(people.institution, partnership.id) is partnership
    with pytest.raises(NotFound):
        selection.get_partnership(people.other_company, partnership.id)
