"""A field that has both a WTForms form and a pydantic schema has one limit: the form's Length
(which also gives the browser its maxlength) is the schema's max_length, from one constant."""

from __future__ import annotations

import pytest
from wtforms.validators import Length, NumberRange

from seoul_platform.members.forms import AwardForm, OrganizationForm
from seoul_platform.members.schemas import AwardInput, OrganizationInput
from seoul_platform.onboarding.forms import AcceptInvitationForm, DecisionForm, InviteForm, JoinForm
from seoul_platform.onboarding.schemas import (
    AcceptInvitationIn,
    DecisionIn,
    InvitationIn,
    JoinRequestIn,
)

PAIRS = [
    (JoinForm, "person_name", JoinRequestIn, "name"),
    (JoinForm, "email", JoinRequestIn, "email"),
    (JoinForm, "password", JoinRequestIn, "password"),
    (JoinForm, "motivation", JoinRequestIn, "motivation"),
    (AcceptInvitationForm, "name", AcceptInvitationIn, "name"),
    (AcceptInvitationForm, "password", AcceptInvitationIn, "password"),
    (InviteForm, "email", InvitationIn, "email"),
    (DecisionForm, "reason", DecisionIn, "reason"),
    (OrganizationForm, "name", OrganizationInput, "name"),
    (OrganizationForm, "website", OrganizationInput, "website"),
    (OrganizationForm, "description", OrganizationInput, "description"),
    (AwardForm, "project_title", AwardInput, "project_title"),
    (AwardForm, "laureate_name", AwardInput, "laureate_name"),
    (AwardForm, "partner", AwardInput, "partner"),
]


def _validators(form, field: str) -> list:
    return getattr(form, field).kwargs.get("validators", [])


def _find(schema: dict, key: str):
    """The first ``key`` in a JSON-schema property (nested in anyOf/allOf for optionals)."""
    if key in schema:
        return schema[key]
    for part in schema.get("anyOf", []) + schema.get("allOf", []):
        found = _find(part, key)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize(("form", "field", "model", "name"), PAIRS, ids=lambda v: str(v))
def test_form_and_schema_share_the_limit(form, field, model, name):
    [length] = [v for v in _validators(form, field) if isinstance(v, Length)]
    prop = model.model_json_schema(mode="validation")["properties"][name]
    assert length.max == _find(prop, "maxLength")


def test_award_years_and_population_are_bounded_alike():
    [years] = [v for v in _validators(AwardForm, "year") if isinstance(v, NumberRange)]
    year = AwardInput.model_json_schema()["properties"]["year"]
    assert (years.min, years.max) == (year["minimum"], year["maximum"])
    [people] = [
        v for v in _validators(OrganizationForm, "population") if isinstance(v, NumberRange)
    ]
    population = OrganizationInput.model_json_schema()["properties"]["population"]
    assert people.max == _find(population, "maximum")
