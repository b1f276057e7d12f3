"""API shapes of documents. Upload forms are built per subject type (its kinds)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, create_model

from ..schemas import UtcDateTime


class UploaderOut(BaseModel):
    id: int
    name: str


class DocumentOut(BaseModel):
    id: int
    subject_type: str
    subject_id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: UploaderOut | None
    created_at: UtcDateTime
    download_url: str


def upload_form(name: str, kinds: tuple[str, ...]) -> type[BaseModel]:
    """The plain fields of a multipart upload to a subject taking ``kinds`` (the first is
    the default). Anything else sent along (an owner, a size, a content type) is ignored."""
    return create_model(
        name,
        __config__=ConfigDict(extra="ignore"),
        kind=(Literal[kinds], kinds[0]),  # type: ignore[valid-type]
    )
