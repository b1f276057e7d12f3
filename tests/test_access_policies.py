"""Every route declares an access policy, and the policy holds for every role."""

from __future__ import annotations

import re

import pytest

from seoul_platform.access import POLICIES, policy_of
from seoul_platform.accounts.models import UserStatus
from support import signed_in


def test_every_route_declares_a_policy(app):
    with app.test_request_context():
        missing = [
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if policy_of(rule.endpoint) not in POLICIES
        ]
    assert missing == []


def test_an_undeclared_route_is_refused(app):
    from flask import Flask

    bare = Flask("probe")
    bare.config.update(app.config)
    # A view added without @policy is denied by the same hook the real app uses.
    from seoul_platform.access import init_access

    init_access(bare)
    bare.add_url_rule("/secret", "secret", lambda: "leak")
    with bare.test_request_context("/secret"):
        from seoul_platform.errors import PermissionDenied

        with pytest.raises(PermissionDenied):
            bare.preprocess_request()


def _concrete(rule, ids: dict[str, int]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)


@pytest.fixture
def role_clients(app, make, official, city, city_admin, city_member):
    pending = make.user(None, status=UserStatus.PENDING, email="pending@example.org")
    return {
        "anonymous": app.test_client(),
        "pending": signed_in(app, pending),
        "member": signed_in(app, city_member),
        "org_admin": signed_in(app, city_admin),
        "official": signed_in(app, official),
    }


EXPECTED = {
    # policy -> roles that get through the route-level check
    "public": {"anonymous", "pending", "member", "org_admin", "official"},
    "authenticated": {"pending", "member", "org_admin", "official"},
    "member": {"member", "org_admin", "official"},
    "official": {"official"},
}


def test_route_by_role_matrix(app, role_clients, city):
    ids = {"org_id": city.id, "code": "en", "token": "x", "award_id": 1, "request_id": 1}
    skip = {"static", "accounts.logout"}  # logout would end the session used by the walk
    for rule in app.url_map.iter_rules():
        if rule.endpoint in skip or "GET" not in rule.methods:
            continue
        with app.test_request_context():
            level = policy_of(rule.endpoint)
        path = _concrete(rule, ids)
        for role, client in role_clients.items():
            response = client.get(path)
            assert response.status_code < 500, (path, role, response.status_code)
            allowed = role in EXPECTED[level]
            if allowed:
                assert response.status_code not in (401, 403) or path.startswith(
                    f"/organizations/{city.id}/"
                ), (path, role, response.status_code)
            elif role == "anonymous":
                assert response.status_code in (302, 401), (path, role)
            elif role == "pending":
                assert response.status_code in (302, 403), (path, role)
            else:
                assert response.status_code == 403, (path, role, response.status_code)
