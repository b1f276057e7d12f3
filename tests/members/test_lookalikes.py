# ruff: noqa: RUF001, RUF003 - look-alike letters are the subject of these tests
"""Look-alike names and addresses are duplicates; real names in any script are accepted."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from seoul_platform.errors import Conflict
from seoul_platform.members import services
from seoul_platform.members.models import Organization
from seoul_platform.members.schemas import OrganizationInput
from seoul_platform.onboarding import services as onboarding
from seoul_platform.text import looks_spoofed, skeleton
from support import bearer

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte-order mark
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",  # bidi embeddings and overrides
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",  # bidi isolates
    "\u034f",  # combining grapheme joiner
    "\ufe0f",  # variation selector
]


def _compat_forms() -> dict[str, list[str]]:
    """For each ASCII letter, the characters NFKC folds into it (full-width, mathematical,
    circled, superscript ...)."""
    forms: dict[str, list[str]] = {}
    for cp in [*range(0x80, 0x10000), *range(0x1D400, 0x1D800)]:
        c = chr(cp)
        folded = unicodedata.normalize("NFKC", c)
        if len(folded) == 1 and folded.isascii() and folded.isalpha():
            forms.setdefault(folded, []).append(c)
    return forms


COMPAT = _compat_forms()

words = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=10
)
base_names = st.lists(words, min_size=1, max_size=3).map(" ".join)


@st.composite
def disguised(draw, name: str) -> str:
    """``name`` with invisible characters inserted and some letters in compatibility forms."""
    out = []
    for ch in name:
        if ch.isalpha() and COMPAT.get(ch) and draw(st.booleans()):
            ch = draw(st.sampled_from(COMPAT[ch]))
        out.append(ch)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE)))
    variant = "".join(out)
    if variant == name:  # make sure something was disguised
        variant = name[0] + draw(st.sampled_from(INVISIBLE)) + name[1:]
    return variant


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), name=base_names)
def test_disguised_copy_of_an_existing_name_is_always_a_duplicate(db, data, name):
    fields = OrganizationInput(kind="city", name=name, country="KR", region="asia").model_dump()
    services.create_organization_record(fields)
    try:
        variant = data.draw(disguised(name))
        raw = {"kind": "city", "name": variant, "country": "KR", "region": "asia"}
        copy = OrganizationInput.model_validate(raw).model_dump()
        with pytest.raises(Conflict):
            services.create_organization_record(copy)
    finally:
        db.session.rollback()


def test_skeleton_ignores_case_width_accents_spacing_and_invisibles():
    assert skeleton("ＡＣＭＥ\u200b  twins") == skeleton("Acme Twins")
    assert skeleton("Аcme Twins") == skeleton("Acme Twins")  # Cyrillic А
    assert skeleton("Ålesund") == skeleton("Alesund")


@pytest.mark.parametrize(
    "name",
    [
        "서울특별시",
        "Ålesund",
        "São Paulo",
        "Dhaka South",
        "المدينة المنورة",
        "Москва",
        "Αθήνα",
        "Kraków",
        "İstanbul",
        "Seoul 서울",
        "Москва Moscow",
        "東京都",
    ],
)
def test_real_names_are_accepted(app, official, db, name):
    assert not looks_spoofed(name)
    headers = bearer(app.test_client(), official)
    response = app.test_client().post(
        "/api/v1/organizations",
        json={"kind": "city", "name": name, "country": "KR", "region": "asia"},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == unicodedata.normalize("NFKC", name)


@pytest.mark.parametrize(
    "name",
    ["Аcme Twins", "Acmе Twins", "Асме Twins", "Gοogle Seoul", "Seoul Раураl"],
)
def test_mixed_script_spoofs_are_refused(app, official, db, name):
    headers = bearer(app.test_client(), official)
    response = app.test_client().post(
        "/api/v1/organizations",
        json={"kind": "company", "name": name, "country": "KR", "region": "asia"},
        headers=headers,
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Organization.id))) == 0


@pytest.mark.parametrize(
    "name",
    ["ＡＣＭＥ ＴＷＩＮＳ", "Acme\u200b Twins", "acme twins", "Acme\u202e Twins"],
)
def test_look_alike_of_an_active_organisation_is_refused(app, official, company, db, name):
    headers = bearer(app.test_client(), official)
    response = app.test_client().post(
        "/api/v1/organizations",
        json={"kind": "company", "name": name, "country": "KR", "region": "asia"},
        headers=headers,
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    "email",
    [
        "MEMBER@testville.example",
        "ｍember@testville.example",  # full-width m
        "mem\u200bber@testville.example",  # zero-width space
        "member@testvіlle.example",  # Cyrillic і
        "mеmber@testville.example",  # Cyrillic е
    ],
)
def test_look_alike_e_mail_addresses_are_duplicates(app, official, city, city_member, db, email):
    with pytest.raises(Conflict):
        onboarding.create_invitation(official, email=email, organization_id=city.id)
    db.session.rollback()
    headers = bearer(app.test_client(), official)
    response = app.test_client().post(
        "/api/v1/invitations", json={"email": email, "organization_id": city.id}, headers=headers
    )
    assert response.status_code in (409, 422)
