"""Sealed proposals and the one way to send a selection back (integration of the parts)."""

from __future__ import annotations

import pytest


def test_a_call_cancelled_while_open_keeps_its_proposals_sealed_from_the_city(
    db, pilots, city, company, make
):
    """Only a call that closed unseals its proposals for the city: one cancelled or rejected
    while open never had a deadline pass, so the city never sees who proposed."""
    from seoul_platform.pilots.models import RequestStatus
    from seoul_platform.pilots.permissions import can_view_interest

    member = make.user(city)
    req = pilots.request(city, "open")
    interest = pilots.interest(req, company)
    req.status = RequestStatus.CANCELLED
    db.session.commit()
    assert not can_view_interest(member, interest, req)
    req.status, req.closed_at = RequestStatus.CLOSED, req.deadline
    db.session.commit()
    assert can_view_interest(member, interest, req)


def test_an_official_cannot_close_a_selection_through_the_call_closing(
    db, pilots, city, company, official
):
    """partner_selected -> closed is sending a selection back (selection.py, which also
    moves the selected proposal back); closing a call early works only on an open call."""
    from seoul_platform.errors import Conflict
    from seoul_platform.pilots import review
    from seoul_platform.pilots.models import InterestStatus, RequestStatus

    req = pilots.request(city, "partner_selected")
    interest = pilots.interest(req, company, "selected")
    with pytest.raises(Conflict):
        review.close_call(official, req.id, "Closing it again")
    db.session.rollback()
    assert db.session.get(type(req), req.id).status == RequestStatus.PARTNER_SELECTED
    assert db.session.get(type(interest), interest.id).status == InterestStatus.SELECTED
