"""Eligibility (training/eligibility.py): every reason that stops a person, none for those
who may apply."""

from __future__ import annotations

from datetime import timedelta

from seoul_platform.accounts.models import UserStatus
from seoul_platform.db import db, utcnow
from seoul_platform.members.models import Award, AwardCategory
from seoul_platform.training.eligibility import reasons_not_eligible


def _codes(user, cohort, now=None):
    return [r.code for r in reasons_not_eligible(user, cohort, now or utcnow())]


def test_a_member_of_an_active_organisation_may_apply(training, participant):
    assert _codes(participant, training.cohort()) == []


def test_drafts_deadlines_and_visitors(training, participant, make):
    assert _codes(participant, training.cohort(status="draft")) == ["not_open"]
    late = training.cohort(application_deadline=utcnow() - timedelta(minutes=1))
    assert _codes(participant, late) == ["deadline_passed"]
    assert _codes(None, late) == ["not_signed_in"]
    disabled = make.user(participant.organization, status=UserStatus.DISABLED)
    assert _codes(disabled, training.cohort()) == ["not_signed_in"]
    assert _codes(make.user(official=True), training.cohort()) == ["official"]


def test_kinds_of_organisation(training, participant, company, make):
    cohort = training.cohort(org_kinds=["company", "institution"])
    assert _codes(participant, cohort) == ["org_kind"]
    assert _codes(make.user(company), cohort) == []


def test_award_years_and_categories_from_the_organisation_or_the_person(
    training, participant, make, city
):
    cohort = training.cohort(award_years=[2023, 2025], award_categories=["human_centricity"])
    assert _codes(participant, cohort) == ["award"]
    db.session.add(
        Award(year=2023, category=AwardCategory.TECH_INNOVACITY, organization_id=city.id)
    )
    db.session.commit()
    assert _codes(participant, cohort) == ["award"]  # the right year, another category
    db.session.add(
        Award(
            year=2025,
            category=AwardCategory.HUMAN_CENTRICITY,
            laureate_name=participant.name,
            laureate_user_id=participant.id,
        )
    )
    db.session.commit()
    assert _codes(participant, cohort) == []
    colleague = make.user(city)
    assert _codes(colleague, cohort) == ["award"]  # the person's own prize is theirs


def test_every_reason_is_given_at_once(training, participant):
    cohort = training.cohort(status="draft", org_kinds=["company"], award_years=[2017])
    assert _codes(participant, cohort) == ["not_open", "org_kind", "award"]
