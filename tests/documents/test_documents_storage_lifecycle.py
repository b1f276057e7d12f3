"""A document's file follows its row: removed after the commit that deletes the row (kept on
rollback), and removed again when the upload's transaction rolls back."""

from __future__ import annotations

import io

import pytest
from document_files import pdf, stored_files
from sqlalchemy import func, select

from seoul_platform.db import unit_of_work
from seoul_platform.documents import services
from seoul_platform.documents.models import Document
from seoul_platform.documents.permissions import SubjectRules, register_subject
from seoul_platform.errors import NotFound, PermissionDenied


class Boom(Exception):
    pass


@pytest.fixture
def open_subject():
    """A test subject type: anyone active may see it; attaching to subject 1 only."""
    register_subject(
        "test_subject",
        SubjectRules(
            can_view=lambda actor, subject_id: subject_id in (1, 2),
            can_attach=lambda actor, subject_id: subject_id == 1,
            can_delete=lambda actor, doc: doc.uploaded_by_id == actor.id,
            kinds=("other",),
        ),
    )
    return "test_subject"


def _store(actor, subject_id=1):
    return services.store_document(
        actor, "test_subject", subject_id, stream=io.BytesIO(pdf()), filename="a.pdf"
    )


def _rows(db) -> int:
    return db.session.scalar(select(func.count(Document.id)))


def test_delete_removes_the_file_after_commit_only(app, db, official, open_subject, storage_dir):
    with app.test_request_context():
        with unit_of_work():
            doc_id = _store(official).id
        assert len(stored_files(storage_dir)) == 1
        with pytest.raises(Boom), unit_of_work():
            services.delete_document(official, doc_id)
            raise Boom  # the request fails after the delete: nothing happened
        assert _rows(db) == 1 and len(stored_files(storage_dir)) == 1
        with unit_of_work():
            services.delete_document(official, doc_id)
        assert _rows(db) == 0 and stored_files(storage_dir) == []


def test_an_upload_rolled_back_leaves_no_file(app, db, official, open_subject, storage_dir):
    with app.test_request_context():
        with pytest.raises(Boom), unit_of_work():
            _store(official)
            assert len(stored_files(storage_dir)) == 1
            raise Boom
        assert _rows(db) == 0 and stored_files(storage_dir) == []


def test_subject_rules_decide(app, db, make, official, open_subject, storage_dir):
    someone = make.user(None)
    with app.test_request_context():
        with pytest.raises(NotFound):
            _store(official, subject_id=3)  # may not see it
        with pytest.raises(PermissionDenied):
            _store(official, subject_id=2)  # may see, may not attach
        with unit_of_work():
            doc_id = _store(official).id
        with pytest.raises(PermissionDenied):
            services.delete_document(someone, doc_id)  # not the uploader
        with pytest.raises(NotFound):
            services.store_document(
                official, "nobody_registered", 1, stream=io.BytesIO(pdf()), filename="a.pdf"
            )
    assert _rows(db) == 1


def test_an_inactive_account_sees_nothing(app, db, make, official, open_subject):
    from seoul_platform.accounts.models import UserStatus

    with app.test_request_context():
        with unit_of_work():
            doc_id = _store(official).id
        disabled = make.user(None, status=UserStatus.DISABLED)
        with pytest.raises(NotFound):
            services.get_document(disabled, doc_id)
        with pytest.raises(NotFound):
            services.get_document(None, doc_id)


def test_a_missing_file_is_a_404_not_a_500(app, db, official, open_subject, storage_dir):
    from support import bearer

    with app.test_request_context(), unit_of_work():
        doc = _store(official)
        key, doc_id = doc.storage_key, doc.id
    (storage_dir / key).unlink()
    client = app.test_client()
    response = client.get(f"/api/v1/documents/{doc_id}", headers=bearer(client, official))
    assert response.status_code == 404
