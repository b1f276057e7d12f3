"""The audit log shows names (one query per page, not per row) and records only fields whose
values changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select

from seoul_platform.accounts import services as account_services
from seoul_platform.accounts.models import UserStatus
from seoul_platform.audit.models import AuditEvent
from seoul_platform.members import services as member_services
from seoul_platform.members.schemas import OrganizationPatch
from support import signed_in


@contextmanager
def count_queries(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _events(db, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_unchanged_fields_are_not_logged_as_changed(db, city, city_admin):
    member_services.update_organization(
        city_admin,
        city.id,
        OrganizationPatch(name=city.name, country=city.country, description="New words"),
    )
    db.session.commit()
    (event,) = _events(db, "organization.updated")
    assert event.detail == {"fields": ["description"]}
    # The same values again: nothing changed, nothing logged.
    member_services.update_organization(
        city_admin, city.id, OrganizationPatch(description="New words", sectors=city.sector_values)
    )
    db.session.commit()
    assert len(_events(db, "organization.updated")) == 1


def test_profile_update_logs_only_changed_fields(db, city_member):
    account_services.update_profile(
        city_member, name=city_member.name, job_title="Planner", locale=city_member.locale
    )
    db.session.commit()
    account_services.update_profile(
        city_member, name=city_member.name, job_title="Planner", locale=city_member.locale
    )
    db.session.commit()
    events = _events(db, "profile.updated")
    assert [e.detail for e in events] == [{"fields": ["job_title"]}]


def test_audit_log_shows_names_with_a_fixed_number_of_queries(
    app, db, make, official, city, city_admin
):
    client = signed_in(app, official)

    def page_queries() -> tuple[int, str]:
        with count_queries(db.engine) as counter:
            response = client.get("/admin/audit")
        assert response.status_code == 200
        return len(counter), response.get_data(as_text=True)

    member_services.update_organization(city_admin, city.id, OrganizationPatch(description="A"))
    db.session.commit()
    few, _ = page_queries()
    for n in range(8):
        person = make.user(city, email=f"p{n}@example.org", name=f"Disabled Person {n}")
        account_services.set_user_status(official, person, UserStatus.DISABLED)
        db.session.commit()
        member_services.update_organization(
            city_admin, city.id, OrganizationPatch(description=f"v{n}")
        )
        db.session.commit()
    many, page = page_queries()
    assert many == few
    assert city_admin.name in page and official.name in page
    assert f"organization {city.name}" in page
    assert "user Disabled Person 7" in page  # target people by name too
