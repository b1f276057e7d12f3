"""A hypothesis state machine over the pilots lifecycle, driving the real services.

Seven actors (the city's member, another city's member, a company's member, another
company's member, an institution's member, an official, and a visitor where a service takes
one) make randomly chosen moves on randomly chosen requests and proposals: draft, edit,
submit, cancel; the officials' review (changes, reject, open, close, the generic move);
propose, edit, withdraw, resubmit; score and shortlist; select, approve, send back; the
partnership's moves. Each step is one unit of work (commit on success, rollback on error)
and either succeeds or raises a domain error (PermissionDenied, NotFound, Conflict,
ValidationError) — anything else fails the test. A move the table allows from the model's
state for one of the actor's roles must succeed; a successful move must be one the table
allows. "Concurrent duplicates": the same move made twice from the same expected state (the
second is a Conflict naming the new state), and three threads racing one move (exactly one
wins when the move is allowed, none otherwise).

After every step the invariants hold: statuses are states of the table; each request's
history has exactly the moves the model counted, each allowed for its recorded role; a
Partnership exists iff the request is in progress, in evaluation or completed; one proposal
per (request, organisation); at most one proposal selected, and it is the partnership's;
after approval nothing is still submitted or shortlisted; drafts are invisible to officials
and other cities; a proposer never sees another organisation's proposal.

Steering, so that the default budget (30 examples of 30 steps) reaches every state: two
initialize rules each make a request and move it through the services to a drawn depth
anywhere along the happy path (or off it: changes requested, rejected, cancelled part-way);
the ``forward`` rule makes the next happy-path move with the right role (proposals first at
an open call, maybe a withdrawal; a shortlist before the selection); the per-state rules pick
mostly the requests or proposals in the state where they can succeed (any one time in five,
so refusals stay tested). test_the_default_budget_reaches_every_state proves the coverage.

Runs on file SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set; every
example starts from empty tables (`support.empty_tables`, as `_clean_state` after a test).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field

from flask_babel import gettext
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from seoul_platform.audit.models import StateChange
from seoul_platform.db import db as _db
from seoul_platform.db import unit_of_work
from seoul_platform.errors import Conflict, NotFound, PermissionDenied, ValidationError
from seoul_platform.pilots import (
    lifecycle,
    permissions,
    proposal_scores,
    proposals,
    review,
    selection,
    workspace,
)
from seoul_platform.pilots import requests as request_services
from seoul_platform.pilots.models import (
    Interest,
    InterestStatus,
    Partnership,
    PilotRequest,
    RequestStatus,
)
from seoul_platform.pilots.proposal_schemas import (
    ProposalFields,
    ProposalPatch,
    ScoreIn,
    ScoresIn,
)
from seoul_platform.pilots.request_schemas import RequestInput, RequestPatch
from seoul_platform.pilots.workspace_schemas import TransitionInput
from support import Factory, empty_tables

DOMAIN_ERRORS = (PermissionDenied, NotFound, Conflict, ValidationError)
TABLE = lifecycle.PILOT_REQUEST
PARTNERSHIP_STATES = {"in_progress", "evaluation", "completed"}
ACTORS = ["city", "other_city", "proposer", "other_company", "institution", "official", "visitor"]
# Whose services take None (reading and the request moves); the others need a person.
NON_VISITORS = [a for a in ACTORS if a != "visitor"]
REQUEST_MOVES = ["submitted", "changes_requested", "open", "closed", "rejected", "cancelled"]
WORKSPACE_MOVES = ["in_progress", "evaluation", "completed"]
FORWARD = {
    "draft": "submitted",
    "changes_requested": "submitted",
    "submitted": "open",
    "open": "closed",
    "closed": "partner_selected",
    "partner_selected": "in_progress",
    "in_progress": "evaluation",
    "evaluation": "completed",
}

COMPLETE = {
    "type": "pilot_implementation",
    "title": "Appointment reminders for older residents",
    "sectors": ["welfare"],
    "challenge": "Older residents miss medical appointments.",
    "kpis": [{"name": "Missed appointments", "unit": "%", "baseline": 18}],
    "criteria": [{"name": "Approach", "weight": 70}, {"name": "Cost", "weight": 30}],
    "currency": "KRW",
}
PROPOSAL = {
    "approach": "Text-message reminders and a nurse's call the day before.",
    "team": "Three engineers and a nurse.",
    "cost_amount": 90000,
    "currency": "EUR",
    "duration_months": 12,
}

# Test-only coverage counters: every request and proposal state observed after a step (when
# the invariants are checked), filled by the ``visited`` invariant and read by
# test_the_default_budget_reaches_every_state.
VISITED: dict[str, set[str]] = {"request": set(), "interest": set()}
# Where the initialize rule leaves its request: anywhere along the happy path, through the
# services (a draft stays a draft). Later rules then spend their steps in every state.
# (Hypothesis draws the first of a list most often: the first request favours a draft, the
# second the state no forward move ends in.)
DEPTHS = [
    "draft",
    "submitted",
    "open",
    "closed",
    "partner_selected",
    "in_progress",
    "evaluation",
    "rejected",
    "cancelled",
    "changes_requested",
]
HAPPY_BEFORE_PARTNERSHIP = ["draft", "submitted", "open", "closed", "partner_selected"]
DEFAULT_EXAMPLES = 30
STEPS = 30

actors = st.sampled_from(ACTORS)
people = st.sampled_from(NON_VISITORS)
picks = st.integers(min_value=0, max_value=1_000)
# A generic move: any state (mostly refused), or an index into the moves the table has from
# the request's current state.
moves = st.one_of(st.sampled_from(REQUEST_MOVES + WORKSPACE_MOVES), picks)


@dataclass
class Req:
    status: str
    moves: int = 0  # successful moves the model counted (= history rows)
    sent_back: bool = False  # the happy path's one detour (changes requested) was taken


@dataclass
class Machine_:
    requests: dict[int, Req] = field(default_factory=dict)
    interests: dict[int, int] = field(default_factory=dict)  # interest id → request id


def _attempt(work):
    """One step in its own unit of work: the result, or the domain error it raised."""
    try:
        with unit_of_work(write=True):
            return work(), None
    except DOMAIN_ERRORS as err:
        return None, err


def _current(req_id: int) -> str:
    return str(_db.session.scalar(select(PilotRequest.status).where(PilotRequest.id == req_id)))


class PilotLifecycle(RuleBasedStateMachine):
    app = None  # set by the test

    def __init__(self):
        super().__init__()
        self.model = Machine_()
        make = Factory(self.app)
        city = make.org("city", name="Testville", country="DK", region="europe")
        other_city = make.org("city", name="Otherburg", country="DE", region="europe")
        company = make.org("company", name="Acme Twins", sectors=["welfare"])
        other_company = make.org("company", name="Beta Sensors", country="SG")
        institution = make.org("institution", name="Global Green Institute")
        self.user_ids = {
            "city": make.user(city).id,
            "other_city": make.user(other_city).id,
            "proposer": make.user(company).id,
            "other_company": make.user(other_company).id,
            "institution": make.user(institution).id,
            "official": make.user(official=True).id,
        }
        self.institution_id = institution.id
        _db.session.commit()

    def teardown(self):
        empty_tables()

    # ---- helpers ---------------------------------------------------------------------------

    def actor(self, name: str):
        if name == "visitor":
            return None
        from seoul_platform.accounts.models import User

        return _db.session.get(User, self.user_ids[name])

    def live(self) -> list[int]:
        return sorted(r for r, m in self.model.requests.items() if not TABLE.is_terminal(m.status))

    def in_state(self, *states: str) -> list[int]:
        return sorted(r for r, m in self.model.requests.items() if m.status in states)

    def pick_request(self, i: int, *states: str) -> int:
        """Mostly a request still moving, or in one of ``states`` when given (so that a rule
        is mostly tried where it can succeed); any request one time in five."""
        ids = (self.in_state(*states) if states else self.live()) if i % 5 else []
        ids = ids or sorted(self.model.requests)
        return ids[(i // 5) % len(ids)]

    def pick_interest(self, i: int, *states: str) -> int:
        """Any proposal; mostly one of a request in ``states`` when given."""
        ids = sorted(self.model.interests)
        if states and i % 5:
            wanted = set(self.in_state(*states))
            ids = [x for x in ids if self.model.interests[x] in wanted] or ids
        return ids[(i // 5) % len(ids)]

    def allowed(self, name: str, req_id: int, to: str) -> bool:
        """What the table says: the move exists from the model's state and one of the actor's
        roles for this request may make it."""
        req = _db.session.get(PilotRequest, req_id)
        roles = permissions.request_roles(self.actor(name), req)
        source = self.model.requests[req_id].status
        return bool(TABLE.roles_for(source, to) & roles)

    def record(self, req_id: int, before: str, result, err, *, to: str, expected: bool):
        """Check one request move against the model and count it."""
        after = _current(req_id)
        if err is None:
            assert TABLE.allows(before, after), (before, after)
            assert after == to, (after, to)
            assert expected, f"{before} → {to} was made, though the table refuses it to the actor"
            event(f"reached {after}")
            self.model.requests[req_id].status = after
            self.model.requests[req_id].moves += 1
        else:
            assert after == before, "a refused move changed the state"
            assert not expected, f"{before} → {to} allowed but refused: {err!r}"

    def expected(self, name: str, req_id: int, to: str) -> bool:
        """Whether the generic move (review.move_request, or workspace.move_partnership for
        the partnership's stages) must succeed."""
        if to in WORKSPACE_MOVES and self.model.requests[req_id].status not in PARTNERSHIP_STATES:
            return False  # partner_selected → in_progress is the approval, made elsewhere
        if to == "closed" and self.model.requests[req_id].status == "partner_selected":
            return False  # that is the selection sent back (selection.send_back_selection)
        return self.allowed(name, req_id, to)

    def request_move(self, name: str, req_id: int, to: str, work, expected=None):
        before = self.model.requests[req_id].status
        if expected is None:
            expected = self.expected(name, req_id, to)
        result, err = _attempt(work)
        self.record(req_id, before, result, err, to=to, expected=expected)
        return err

    def target(self, req_id: int, to: str | int) -> str:
        """``to`` as drawn: a state, or (an int) one of the table's moves from the request's
        current state (so that moves the table has are tried often, by anyone)."""
        if isinstance(to, str):
            return to
        targets = sorted(TABLE.targets(self.model.requests[req_id].status) - {"partner_selected"})
        return targets[to % len(targets)] if targets else "submitted"

    @staticmethod
    def move_work(actor, req_id: int, to: str):
        def work():
            if to in WORKSPACE_MOVES:
                partnership = _db.session.scalar(
                    select(Partnership).where(Partnership.request_id == req_id)
                )
                if partnership is None:
                    raise NotFound("no partnership")
                data = TransitionInput(
                    to=to,
                    reason="Needs more data.",
                    outcome_summary="Fewer missed visits.",
                    lessons_learned="Start with the clinics.",
                )
                return workspace.move_partnership(actor, partnership.id, data)
            return review.move_request(actor, req_id, RequestStatus(to), reason="Because.")

        return work

    # ---- requests ----------------------------------------------------------------------------

    @initialize(depth=st.sampled_from(DEPTHS), k=picks)
    def first_request(self, depth, k):
        self.request_at("city", depth, k)

    @initialize(depth=st.sampled_from(DEPTHS[::-1]), k=picks)
    def second_request(self, depth, k):
        self.request_at("other_city", depth, k)

    def request_at(self, name: str, depth: str, k: int):
        """A request made by a city and moved along the happy path to ``depth``, each move
        through the services by whoever may make it (checked as every move is), so that the
        steps that follow start anywhere in the lifecycle."""
        self.create(name)
        req_id = max(self.model.requests)
        # The detours: an official asks for changes to a submitted request; a request is
        # rejected (by an official) or cancelled (by its city or an official) part-way.
        on_the_way = {
            "changes_requested": "submitted",
            "rejected": HAPPY_BEFORE_PARTNERSHIP[1 + k % 4],
            "cancelled": HAPPY_BEFORE_PARTNERSHIP[k % 5],
        }.get(depth, depth)
        for _ in range(20):
            if self.model.requests[req_id].status == on_the_way:
                break
            self.step(req_id, k, forward=True)
        if depth in ("changes_requested", "rejected", "cancelled"):
            who = "official" if on_the_way != "draft" and (depth != "cancelled" or k % 2) else name
            work = self.move_work(self.actor(who), req_id, depth)
            self.request_move(who, req_id, depth, work, expected=True)
        if depth == "closed" and k % 2:
            self.step(req_id, k, forward=True)  # the city shortlists a proposal
        assert self.model.requests[req_id].status == depth, (depth, self.model.requests)

    # Few requests at once, so that each lives long; a new one when the others have ended.
    @precondition(lambda self: len(self.live()) < 2 and len(self.model.requests) < 6)
    @rule(name=actors)
    def create(self, name):
        actor = self.actor(name)
        result, err = _attempt(
            lambda: request_services.create_request(actor, RequestInput(**COMPLETE)).id
        )
        if err is None:
            assert name in ("city", "other_city")
            self.model.requests[result] = Req("draft")
        else:
            assert name not in ("city", "other_city"), err

    @precondition(lambda self: self.model.requests)
    @rule(name=actors, i=picks)
    def edit(self, name, i):
        req_id = self.pick_request(i)
        actor = self.actor(name)
        before = self.model.requests[req_id].status
        _result, err = _attempt(
            lambda: request_services.update_request(actor, req_id, RequestPatch(title="Edited"))
        )
        editable = before in ("draft", "changes_requested") and self.allowed_city(name, req_id)
        assert (err is None) == editable, (before, name, err)
        assert _current(req_id) == before  # editing is no move

    def allowed_city(self, name: str, req_id: int) -> bool:
        req = _db.session.get(PilotRequest, req_id)
        return lifecycle.CITY in permissions.request_roles(self.actor(name), req)

    @precondition(lambda self: self.model.requests)
    @rule(name=actors, i=picks, to=moves)
    def move(self, name, i, to):
        req_id = self.pick_request(i)
        to = self.target(req_id, to)
        self.request_move(name, req_id, to, self.move_work(self.actor(name), req_id, to))

    @precondition(lambda self: self.model.requests)
    @rule(name=people, i=picks, to=moves)
    def move_twice(self, name, i, to):
        """The same move twice from the same expected state: the second is a Conflict naming
        the state the first left it in."""
        req_id = self.pick_request(i)
        to = self.target(req_id, to)
        actor = self.actor(name)
        err = self.request_move(name, req_id, to, self.move_work(actor, req_id, to))
        if err is not None:
            return
        now = self.model.requests[req_id].status
        if TABLE.allows(now, to):  # e.g. evaluation ↔ in_progress: a new move, not a duplicate
            return
        _result, again = _attempt(self.move_work(actor, req_id, to))
        assert isinstance(again, Conflict), again
        assert again.detail == gettext(TABLE.conflict_messages[now]), (again.detail, now)
        assert _current(req_id) == now

    @precondition(lambda self: self.model.requests)
    @rule(name=people, i=picks, to=moves)
    def race(self, name, i, to):
        """Three threads (each its own app context and session) make one move at once:
        exactly one wins if the table allows it, none otherwise; one history row."""
        req_id = self.pick_request(i)
        to = self.target(req_id, to)
        before = self.model.requests[req_id].status
        expected = self.expected(name, req_id, to)
        user_id = self.user_ids[name]
        _db.session.commit()  # end this thread's snapshot before the others write
        barrier = threading.Barrier(3)
        outcomes: list[str] = []
        lock = threading.Lock()
        app = self.app

        def run():
            with app.app_context():
                from seoul_platform.accounts.models import User

                actor = _db.session.get(User, user_id)
                _db.session.commit()
                barrier.wait()
                try:
                    with unit_of_work(write=True):
                        self.move_work(actor, req_id, to)()
                    outcome = "ok"
                except DOMAIN_ERRORS as err:
                    outcome = type(err).__name__
                except Exception as err:
                    outcome = f"unexpected {err!r}"
                finally:
                    _db.session.remove()
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        _db.session.expire_all()
        assert not [o for o in outcomes if o.startswith("unexpected")], outcomes
        assert outcomes.count("ok") == (1 if expected else 0), (before, to, outcomes)
        if expected:
            # The losers lost to the winner's new state (or a reason check); never a 2nd move.
            self.model.requests[req_id].status = _current(req_id)
            self.model.requests[req_id].moves += 1
            assert self.model.requests[req_id].status == to
        else:
            assert _current(req_id) == before

    @precondition(lambda self: self.model.requests)
    @rule(i=picks, ks=st.lists(picks, min_size=1, max_size=6))
    def advance(self, i, ks):
        """One to six moves the table allows from the request's state, each by someone who
        may make it and each in its own unit of work (so that examples reach the later
        states; mostly forward, sometimes any allowed move; an open call gets proposals)."""
        for k in ks:
            self.advance_once(i, k)

    @precondition(lambda self: self.live())
    @rule(i=picks, k=picks)
    def forward(self, i, k):
        """The next move along the happy path of a request still moving, by whoever may
        make it (an open call first gets proposals, a closed one maybe a shortlist)."""
        ids = self.live()
        self.step(ids[i % len(ids)], k, forward=True)

    def advance_once(self, i, k):
        self.step(self.pick_request(i), k, forward=False)

    def step(self, req_id: int, k: int, *, forward: bool):
        """One move the table allows from the request's state: the forward one (always when
        ``forward``, else five times in six) or any other."""
        source = self.model.requests[req_id].status
        req = _db.session.get(PilotRequest, req_id)
        owner = next(n for n in ("city", "other_city") if self.allowed_city(n, req_id))
        options = sorted(
            (to, owner if lifecycle.CITY in TABLE.roles_for(source, to) else "official")
            for to in TABLE.targets(source)
        )
        if not options:
            return
        if source == "open":
            proposed = {
                x.organization_id
                for x in _db.session.scalars(select(Interest).where(Interest.request_id == req_id))
            }
            if len(proposed) < 2 or k % 3 == 0:  # proposals first (up to three), then close
                for name in ("proposer", "other_company", "institution"):
                    if self.actor(name).organization_id not in proposed:
                        self.propose_to(name, req_id)
                        return
            if k % 3 == 0 and self.withdraw_one(req_id, k):
                return
        if source == "closed" and (forward or k % 2):
            interests = _db.session.scalars(
                select(Interest).where(Interest.request_id == req_id)
            ).all()
            if not [x for x in interests if x.status == InterestStatus.SHORTLISTED]:
                waiting = [x.id for x in interests if x.status == InterestStatus.SUBMITTED]
                if len(waiting) > 1:  # the city shortlists one before selecting
                    interest_id = waiting[k % len(waiting)]
                    owner_actor = self.actor(owner)
                    _result, err = _attempt(
                        lambda: proposal_scores.set_shortlisted(owner_actor, interest_id, True)
                    )
                    assert err is None, err
                    return
        if source in FORWARD and (forward or k % 6):
            to = FORWARD[source]
            if source == "submitted" and k % 4 == 0 and not self.model.requests[req_id].sent_back:
                to = "changes_requested"  # the detour, once: then submitted again
                self.model.requests[req_id].sent_back = True
            name = owner if lifecycle.CITY in TABLE.roles_for(source, to) else "official"
        else:
            to, name = options[k % len(options)]
        actor = self.actor(name)
        if to == "partner_selected":
            running = [
                x.id
                for x in _db.session.scalars(select(Interest).where(Interest.request_id == req_id))
                if x.status in (InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED)
            ]
            if not running:
                return
            if forward and k % 3:  # mostly not the shortlisted one, which then stays in view
                running = [x for x in running if x not in self.shortlisted(req_id)] or running
            work = lambda: selection.select_partner(actor, req_id, running[k % len(running)])  # noqa: E731
        elif source == "partner_selected" and to == "in_progress":
            work = lambda: selection.approve_selection(actor, req_id)  # noqa: E731
        elif source == "partner_selected" and to == "closed":
            work = lambda: selection.send_back_selection(actor, req_id, "Why.")  # noqa: E731
        else:
            work = self.move_work(actor, req_id, to)
        del req
        self.request_move(name, req_id, to, work, expected=True)

    # ---- proposals ---------------------------------------------------------------------------

    @staticmethod
    def shortlisted(req_id: int) -> set[int]:
        return set(
            _db.session.scalars(
                select(Interest.id).where(
                    Interest.request_id == req_id,
                    Interest.status == InterestStatus.SHORTLISTED,
                )
            )
        )

    def withdraw_one(self, req_id: int, k: int) -> bool:
        """Its organisation withdraws one of an open call's proposals, if none is withdrawn
        yet and two others stay in."""
        interests = _db.session.scalars(select(Interest).where(Interest.request_id == req_id)).all()
        if [x for x in interests if x.status == InterestStatus.WITHDRAWN] or len(interests) < 3:
            return False
        interest = interests[k % len(interests)]
        name = next(
            n
            for n in ("proposer", "other_company", "institution")
            if self.actor(n).organization_id == interest.organization_id
        )
        actor, interest_id = self.actor(name), interest.id
        _result, err = _attempt(lambda: proposals.withdraw_proposal(actor, interest_id))
        assert err is None, err
        return True

    @precondition(lambda self: self.model.requests)
    @rule(name=actors, i=picks)
    def propose(self, name, i):
        self.propose_to(name, self.pick_request(i, "open"))

    def propose_to(self, name: str, req_id: int):
        actor = self.actor(name)
        result, err = _attempt(
            lambda: proposals.submit_proposal(actor, req_id, ProposalFields(**PROPOSAL)).id
        )
        if err is None:
            assert self.model.requests[req_id].status == "open"
            assert name in ("proposer", "other_company", "institution")
            self.model.interests[result] = req_id
        elif name in ("proposer", "other_company", "institution"):
            # Refused only when the call is not open, or the organisation already proposed.
            org_id = actor.organization_id
            proposed = _db.session.scalar(
                select(func.count(Interest.id)).where(
                    Interest.request_id == req_id, Interest.organization_id == org_id
                )
            )
            assert self.model.requests[req_id].status != "open" or proposed == 1, err

    @precondition(lambda self: self.model.interests)
    @rule(name=actors, i=picks, how=st.sampled_from(["edit", "withdraw", "resubmit"]))
    def change_proposal(self, name, i, how):
        interest_id = self.pick_interest(i, "open")
        actor = self.actor(name)
        before = _db.session.get(Interest, interest_id)
        status, org_id = before.status, before.organization_id
        if how == "edit":
            work = lambda: proposals.edit_proposal(  # noqa: E731
                actor, interest_id, ProposalPatch(team="Four engineers.")
            )
        elif how == "withdraw":
            work = lambda: proposals.withdraw_proposal(actor, interest_id)  # noqa: E731
        else:
            work = lambda: proposals.resubmit_proposal(actor, interest_id)  # noqa: E731
        _result, err = _attempt(work)
        if err is None:
            assert actor is not None and actor.organization_id == org_id, name
            assert self.model.requests[self.model.interests[interest_id]].status == "open"
        _db.session.expire_all()
        after = _db.session.get(Interest, interest_id).status
        if err is not None:
            assert after == status

    @precondition(lambda self: self.model.interests)
    @rule(name=people, i=picks, how=st.sampled_from(["score", "shortlist", "unshortlist"]))
    def judge(self, name, i, how):
        interest_id = self.pick_interest(i, "closed")
        actor = self.actor(name)
        req_id = self.model.interests[interest_id]

        def work():
            if how == "score":
                req = _db.session.get(PilotRequest, req_id)
                scores = [ScoreIn(criterion_id=c.id, score=7) for c in req.criteria]
                return proposal_scores.score_proposal(actor, interest_id, ScoresIn(scores=scores))
            return proposal_scores.set_shortlisted(actor, interest_id, how == "shortlist")

        _result, err = _attempt(work)
        if err is None:
            assert self.allowed_city(name, req_id), name  # the request's own city
            assert self.model.requests[req_id].status == "closed"

    @precondition(lambda self: self.model.interests)
    @rule(name=people, i=picks, third=st.booleans())
    def select(self, name, i, third):
        interest_id = self.pick_interest(i, "closed")
        req_id = self.model.interests[interest_id]
        actor = self.actor(name)
        interest = _db.session.get(Interest, interest_id)
        third_id = self.institution_id if third else None
        expected = (
            self.allowed(name, req_id, "partner_selected")
            and interest.status in (InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED)
            and interest.organization_id != third_id
        )
        self.request_move(
            name,
            req_id,
            "partner_selected",
            lambda: selection.select_partner(actor, req_id, interest_id, third_id),
            expected=expected,
        )

    @precondition(lambda self: self.model.requests)
    @rule(name=people, i=picks, approve=st.booleans())
    def decide_selection(self, name, i, approve):
        req_id = self.pick_request(i, "partner_selected")
        actor = self.actor(name)
        if approve:
            to, work = "in_progress", lambda: selection.approve_selection(actor, req_id)
        else:
            to, work = "closed", lambda: selection.send_back_selection(actor, req_id, "Why.")
        expected = self.model.requests[req_id].status == "partner_selected" and self.allowed(
            name, req_id, to
        )
        self.request_move(name, req_id, to, work, expected=expected)

    # ---- invariants -------------------------------------------------------------------------

    @invariant()
    def statuses_and_history(self):
        _db.session.expire_all()
        for req_id, model in self.model.requests.items():
            assert _current(req_id) in TABLE.states
            assert _current(req_id) == model.status, (req_id, model)
            VISITED["request"].add(model.status)  # test-only coverage counter
            rows = _db.session.scalars(
                select(StateChange).where(
                    StateChange.subject_type == TABLE.subject_type,
                    StateChange.subject_id == req_id,
                )
            ).all()
            assert len(rows) == model.moves, (
                req_id,
                model,
                [(r.from_state, r.to_state) for r in rows],
            )
            for row in rows:
                assert row.role in TABLE.roles_for(row.from_state, row.to_state), (
                    row.from_state,
                    row.to_state,
                    row.role,
                )
        _db.session.commit()

    @invariant()
    def partnerships_and_proposals(self):
        for req_id, model in self.model.requests.items():
            partnerships = _db.session.scalars(
                select(Partnership).where(Partnership.request_id == req_id)
            ).all()
            assert (len(partnerships) == 1) == (model.status in PARTNERSHIP_STATES), model
            assert len(partnerships) <= 1
            interests = _db.session.scalars(
                select(Interest).where(Interest.request_id == req_id)
            ).all()
            VISITED["interest"].update(str(x.status) for x in interests)  # coverage counter
            orgs = [x.organization_id for x in interests]
            assert len(orgs) == len(set(orgs)), "two proposals of one organisation"
            selected = [x for x in interests if x.status == InterestStatus.SELECTED]
            assert len(selected) <= 1
            if model.status == "partner_selected":
                assert len(selected) == 1
            if model.status in ("open", "closed"):  # before a selection, or sent back
                assert not selected, (model, [(x.id, x.status) for x in interests])
            if partnerships:
                assert [x.id for x in selected] == [partnerships[0].interest_id]
                running = {InterestStatus.SUBMITTED, InterestStatus.SHORTLISTED}
                assert not [x for x in interests if x.status in running]
            # A rejected or cancelled request leaves no proposal waiting or selected: they
            # became not_selected (role system) when it ended.
            if model.status in ("rejected", "cancelled"):
                waiting = {
                    InterestStatus.SUBMITTED,
                    InterestStatus.SHORTLISTED,
                    InterestStatus.SELECTED,
                }
                assert not [x for x in interests if x.status in waiting], (
                    model,
                    [(x.id, x.status) for x in interests],
                )
        _db.session.commit()

    @invariant()
    def who_sees_what(self):
        cities = [self.actor("city"), self.actor("other_city")]
        others = {n: self.actor(n) for n in ("proposer", "other_company", "institution")}
        for req_id in self.model.requests:
            req = _db.session.get(PilotRequest, req_id)
            other_city = next(c for c in cities if c.organization_id != req.city_id)
            if req.submitted_at is None:  # a draft (or a draft cancelled): the city's own
                for person in (self.actor("official"), other_city):
                    assert not permissions.can_view_pilot_request(person, req)
                for person in others.values():
                    assert not permissions.can_view_pilot_request(person, req)
        for interest_id, req_id in self.model.interests.items():
            interest = _db.session.get(Interest, interest_id)
            req = _db.session.get(PilotRequest, req_id)
            for person in others.values():
                if person.organization_id != interest.organization_id:
                    assert not permissions.can_view_interest(person, interest, req)
            other_city = next(c for c in cities if c.organization_id != req.city_id)
            assert not permissions.can_view_interest(other_city, interest, req)
        _db.session.commit()


# Runs of the machine in this process, by budget: the machine is derandomized, so a second
# run with the same budget would repeat the first step for step.
_RUNS: dict[int, dict[str, set[str]]] = {}


def _run_machine(app, max_examples: int) -> dict[str, set[str]]:
    """Run the machine (its invariants after every step) and return the states it visited."""
    if max_examples not in _RUNS:
        PilotLifecycle.app = app
        _db.session.commit()
        for states in VISITED.values():
            states.clear()
        run_state_machine_as_test(
            PilotLifecycle,
            settings=settings(
                max_examples=max_examples,
                stateful_step_count=STEPS,
                deadline=None,
                derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
        _RUNS[max_examples] = {kind: set(states) for kind, states in VISITED.items()}
    return _RUNS[max_examples]


def test_the_lifecycle_holds_its_invariants(app, db):
    # 30 keeps the suite quick and reaches every state (next test); more explores further.
    _run_machine(app, int(os.environ.get("PILOTS_MACHINE_EXAMPLES", DEFAULT_EXAMPLES)))


def test_the_default_budget_reaches_every_state(app, db):
    """The steering works: with the default budget the machine is, after some step, in
    every state of the request table and every state of the proposal table (reuses the
    previous test's run when it was made in this process with the same budget)."""
    visited = _run_machine(app, DEFAULT_EXAMPLES)
    assert visited["request"] == set(TABLE.states), sorted(set(TABLE.states) - visited["request"])
    assert visited["interest"] == set(lifecycle.INTEREST.states), sorted(
        set(lifecycle.INTEREST.states) - visited["interest"]
    )
