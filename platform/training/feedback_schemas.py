"""Validated shapes of a feedback answer and of the officials' summaries (API and form).

Ratings are strict integers 1 to 5 (JSON ``"5"``, ``5.0``, ``true`` or a nested object are
refused with 422; the HTML form converts its radio values before validating). Unknown keys
are ignored, so a body cannot set the enrollment, the cohort or the time of an answer.
The summaries carry no names and no ids of enrollments or answers.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from ..schemas import UtcDateTime, clean_text
from .feedback import COMMENT_MAX

Rating = Annotated[int, Field(strict=True, ge=1, le=5)]
Comment = Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=COMMENT_MAX)]


class RatingsIn(BaseModel):
    """One rating per question, 1 (poor) to 5 (excellent); every question is required."""

    overall: Rating
    content: Rating
    speakers: Rating
    organisation: Rating
    relevance: Rating


class FeedbackIn(BaseModel):
    ratings: RatingsIn
    comment: Comment = ""
    recommend: Annotated[bool, Field(strict=True)] | None = None


class FeedbackOut(BaseModel):
    """The caller's own answer."""

    cohort_id: int
    ratings: dict[str, int]
    comment: str
    recommend: bool | None
    submitted_at: UtcDateTime
    editable_until: UtcDateTime
    editable: bool


class QuestionOut(BaseModel):
    key: str
    label: str
    answered: int
    mean: float | None
    distribution: dict[str, int] | None = Field(
        description="Answers per rating '1'..'5'; null below the anonymity threshold"
    )


class CohortCountOut(BaseModel):
    cohort_id: int
    title: str
    responses: int
    participants: int
    response_rate: float | None
    included: bool = Field(description="Pooled in the programme's figures")


class SummaryOut(BaseModel):
    """Aggregates only. Below ``min_responses`` answers, means, distributions, recommend
    counts and comments are withheld (null / empty) so that nobody can be recognised."""

    responses: int
    participants: int
    response_rate: float | None
    min_responses: int
    shown: bool
    questions: list[QuestionOut]
    recommend_yes: int | None
    recommend_no: int | None
    comments: list[str] = Field(description="Unsigned, in alphabetical order")
    cohorts: list[CohortCountOut] | None = None
