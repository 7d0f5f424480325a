"""Hostile input answers 4xx, never 500: NUL characters and integers too large to store."""

from __future__ import annotations

import re

import pytest

HUGE = "9223372036854775808"  # one past the largest 64-bit integer
NUL_SHOWN = "NUL character"


def _refused_for_nul(response) -> None:
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    assert NUL_SHOWN in response.get_data(as_text=True)


# -- NUL characters


def test_nul_in_public_page_address_is_400(client):
    _refused_for_nul(client.get("/p/%00x"))


def test_nul_in_login_email_is_400(auth):
    _refused_for_nul(auth.post("/auth/login", {"email": "ada\x00@example.com", "password": "x"}))


@pytest.mark.parametrize(
    "fields",
    [{"email": "ada\x00@example.com"}, {"name": "Ada\x00"}],
    ids=["email", "display-name"],
)
def test_nul_in_registration_is_400(auth, fields):
    _refused_for_nul(auth.register(**fields))


@pytest.mark.parametrize("field", ["title", "summary", "technologies", "organisation"])
def test_nul_in_project_form_is_400(user, field):
    _refused_for_nul(user.add_project(**{field: "Booking\x00API"}))


def test_nul_in_project_list_filter_is_400(user):
    _refused_for_nul(user.client.get("/projects/?technology=%00x"))


def test_nul_in_token_details_and_profile_forms_is_400(user):
    _refused_for_nul(user.post("/auth/tokens/", {"name": "CV\x00script"}))
    _refused_for_nul(user.post("/share/details", {"name": "Ada\x00"}))
    _refused_for_nul(
        user.post("/readiness/profiles/new", {"title": "Role\x00", "technologies": "Python"})
    )


def test_nul_page_explains_itself_and_nothing_is_saved(user):
    response = user.add_project(title="Booking\x00API")
    assert "The request contains a NUL character" in response.get_data(as_text=True)
    assert "Booking" not in user.client.get("/projects/").get_data(as_text=True)


def test_api_keeps_its_own_422_for_nul_in_json_and_query(user):
    secret = _api_token(user)
    headers = {"Authorization": f"Bearer {secret}"}
    body = {"title": "a\x00b", "kind": "paid", "start": "2025-01"}
    created = user.client.post("/api/v1/projects", json=body, headers=headers)
    assert created.status_code == 422
    listed = user.client.get("/api/v1/projects?technology=%00", headers=headers)
    assert listed.status_code == 422


def test_nul_in_an_api_path_is_a_json_problem(client):
    response = client.get("/api/v1/profiles/%00x")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def _api_token(user) -> str:
    page = user.post("/auth/tokens/", {"name": "tests", "scope": "write"}).get_data(as_text=True)
    match = re.search(r"\b(pt_[A-Za-z0-9_-]{43})", page)
    assert match, "no token secret in the page"
    return match.group(1)


# -- integers too large for the database


@pytest.mark.parametrize("suffix", ["", "/edit", "/delete"])
def test_huge_project_id_is_404(user, suffix):
    assert user.client.get(f"/projects/{HUGE}{suffix}").status_code == 404


def test_revoking_a_huge_token_id_is_404(user):
    response = user.post(f"/auth/tokens/{HUGE}/revoke", form_path="/auth/tokens/")
    assert response.status_code == 404


@pytest.mark.parametrize("number", [str(10**18), HUGE, "-5", "0", "x"])
def test_out_of_range_page_shows_a_page(user, number):
    user.add_project(title="Booking API")
    response = user.client.get(f"/projects/?page={number}")
    assert response.status_code == 200
