"""Track record: completed partnerships of many organisations at once, in four queries."""

from __future__ import annotations

from datetime import timedelta

from seoul_platform.db import utcnow
from seoul_platform.pilots.track_record import completed_partnerships
from support import signed_in
from tests.pilots.test_workspace_queries import count_queries


def test_completed_partnerships_by_role_newest_first(
    app, db, pilots, city, company, institution, other_company
):
    first = pilots.partnership(
        pilots.request(city, "draft", title="Older"),
        company,
        third_party=institution,
        status="completed",
    )
    first.completed_at = utcnow() - timedelta(days=400)
    second = pilots.partnership(
        pilots.request(city, "draft", title="Newer", sectors=["mobility", "welfare"]),
        company,
        status="completed",
    )
    pilots.partnership(
        pilots.request(city, "draft", title="Running"), other_company, status="in_progress"
    )
    db.session.commit()
    record = completed_partnerships([city.id, company.id, institution.id, other_company.id, 999])
    assert [e.title for e in record[company.id]] == ["Newer", "Older"]
    assert [e.role for e in record[city.id]] == ["city", "city"]
    assert [(e.title, e.role) for e in record[institution.id]] == [("Older", "third_party")]
    assert record[other_company.id] == [] and record[999] == []
    newest = record[company.id][0]
    assert newest.sectors == ("mobility", "welfare") and newest.city_name == city.name
    assert newest.kpis[0].baseline == 18 and newest.published is False
    assert newest.partnership_id == second.id
    assert completed_partnerships([]) == {}


def test_a_fixed_number_of_queries(app, db, pilots, make, city, company):
    ids = [city.id, company.id]

    def measure() -> int:
        db.session.expire_all()
        with count_queries(db.engine) as statements:
            completed_partnerships(ids)
        return len([s for s in statements if s.startswith("SELECT")])

    pilots.partnership(pilots.request(city, "draft"), company, status="completed")
    few = measure()
    for n in range(5):
        other = make.org("company", name=f"Company {n}")
        pilots.partnership(
            pilots.request(city, "draft", sectors=["welfare", "mobility"]),
            other,
            status="completed",
        )
    assert measure() == few == 4


def test_the_partial_renders(app, db, pilots, city, company):
    from flask import render_template

    pilots.partnership(pilots.request(city, "draft", title="Shown"), company, status="completed")
    with app.test_request_context("/"):
        html = render_template(
            "pilots/workspace/_track_record.html",
            entries=completed_partnerships([company.id])[company.id],
        )
    assert "Shown" in html and "as the partner" in html


def test_both_profiles_show_a_completed_partnership_in_their_track_record(
    app, db, pilots, city, company, make
):
    req = pilots.request(city, "draft", title="Reminder service for clinics")
    pilots.partnership(req, company, status="completed")
    running = pilots.request(city, "draft", title="Still running pilot")
    pilots.partnership(running, company, status="in_progress")
    client = signed_in(app, make.user(city))
    for org in (company, city):
        html = client.get(f"/organizations/{org.id}").get_data(as_text=True)
        assert "Track record: completed pilots" in html
        assert "Reminder service for clinics" in html
        assert "Still running pilot" not in html
