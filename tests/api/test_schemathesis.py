"""Fuzz the API against its own OpenAPI document (in-process WSGI): no 5xx, and every
response matches the documented status codes, content types and schemas — for valid
(positive) and invalid (negative) requests to every operation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation import GenerationMode

from support import bearer

# Examples per operation and mode. Invalid requests (negative) are where a 500 hides, so they
# keep the full budget; valid requests (positive) to every operation are also made, with
# their responses checked, by each feature's API tests (tests/api, tests/pilots/*_api.py,
# ...), so here a smaller sample of them suffices.
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 25}
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_document(app, official, city, company, mode):
    headers = bearer(app.test_client(), official)
    operations = _operations(app)
    assert len(operations) >= 12

    for operation in operations:

        @settings(SETTINGS, max_examples=EXAMPLES[mode])
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            # Valid-looking requests may still be refused for domain reasons (unknown ids,
            # duplicate names, used tokens): "positive data is accepted" is not a property.
            with app.app_context():  # a fresh context per request, as in production
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()
