"""Validated shapes of training records (attendance, action plans, certificates, letters),
shared by the HTML forms and the JSON API. Unknown keys are ignored (no mass assignment:
``status``, ``reviewed_by_id`` or ``holder_name`` have no field to land in)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ..schemas import MAX_ID, PageOut, UtcDateTime, clean_text, single_line
from .attendance import MAX_MARKS
from .models import ActionPlanStatus, AttendanceStatus

ACTION_MAX = 300
GOAL_MAX = 5000
COMMENT_MAX = 2000
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

Action = Annotated[
    str, BeforeValidator(single_line), StringConstraints(min_length=1, max_length=ACTION_MAX)
]
Goal = Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=GOAL_MAX)]
Comment = Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=COMMENT_MAX)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


# ---- attendance ------------------------------------------------------------------------------


class MarkIn(_In):
    enrollment_id: Id
    status: AttendanceStatus


class AttendanceIn(_In):
    marks: list[MarkIn] = Field(max_length=MAX_MARKS)


class MarkOut(BaseModel):
    enrollment_id: int
    status: AttendanceStatus
    marked_at: UtcDateTime


class AttendanceOut(BaseModel):
    session_id: int
    cohort_id: int
    marks: list[MarkOut]


# ---- action plans ----------------------------------------------------------------------------


class StepIn(_In):
    action: Action
    due: date = Field(ge=FIRST_DAY, le=LAST_DAY)


class ActionPlanIn(_In):
    goal: Goal = ""
    steps: list[StepIn] = Field(default_factory=list, max_length=20)


class ReviewIn(_In):
    decision: Literal["accept", "changes"]
    comment: Comment = ""


class StepOut(BaseModel):
    action: str
    due: date


class ActionPlanOut(BaseModel):
    enrollment_id: int
    status: ActionPlanStatus
    goal: str
    steps: list[StepOut]
    submitted_at: UtcDateTime | None
    reviewed_at: UtcDateTime | None
    review_comment: str
    updated_at: UtcDateTime | None


# ---- certificates and letters ----------------------------------------------------------------


class RevokeIn(_In):
    reason: Annotated[
        str, BeforeValidator(clean_text), StringConstraints(min_length=1, max_length=COMMENT_MAX)
    ]


class VerificationQuery(BaseModel):
    """``?lang=en|ko``: the language of the answer's messages (e.g. the 404's detail)."""

    model_config = ConfigDict(extra="ignore")
    lang: Literal["en", "ko"] | None = None


class CertificateVerificationOut(BaseModel):
    """Only what the public may know: nothing about the person beyond their name."""

    code: str
    holder_name: str
    cohort: str
    programme: str
    starts_on: date
    ends_on: date
    issued_on: date
    status: Literal["valid", "revoked"]
    revoked_on: date | None


class CompletionOut(BaseModel):
    """One participant's way to a certificate: attendance against the cohort's threshold, the
    action plan's state, and the certificate if one was issued."""

    enrollment_id: int
    user_id: int | None
    name: str
    enrollment_status: str
    sessions: int
    present: int
    excused: int
    attendance_percent: int | None
    attendance_threshold: int = Field(description="Percent of sessions a participant must attend.")
    attendance_met: bool
    action_plan_status: ActionPlanStatus | None
    eligible: bool
    certificate_code: str | None
    certificate_status: Literal["valid", "revoked"] | None


class CompletionPage(PageOut):
    items: list[CompletionOut]


class IssuedOut(BaseModel):
    issued: list[CertificateVerificationOut]


MAX_STEPS_FORM = 23  # the page shows at most 20 filled rows + blank ones; more is refused
