"""Interview sessions over REST (the ASGI app in-process), on both backends."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.factories import Account, register

Client = AsyncTestClient[Litestar]


async def create(client: Client, account: Account, **overrides: Any) -> dict[str, Any]:
    body = {"type": "technical", "difficulty": "easy", "duration_minutes": 10, "role": "backend engineer"}
    body.update(overrides)
    response = await client.post("/api/sessions", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return dict(response.json()["data"]["session"])


async def test_creating_a_session_returns_its_plan(client: Client) -> None:
    account = await register(client)
    session = await create(client, account, type="mixed", difficulty="medium", duration_minutes=30)
    assert session["total_questions"] == 3
    assert session["kinds"] == ["behavioral", "technical", "coding"]
    assert session["status"] == "active"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "poetry"}, "type"),
        ({"difficulty": "extreme"}, "difficulty"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"duration_minutes": 91}, "duration_minutes"),
        ({"language": "cobol"}, "language"),
        ({"role": ""}, "role"),
    ],
)
async def test_bad_session_settings_are_refused(client: Client, body: dict[str, Any], field: str) -> None:
    account = await register(client)
    base = {"type": "technical", "difficulty": "easy", "duration_minutes": 10, "role": "backend"}
    response = await client.post("/api/sessions", json={**base, **body}, headers=account.headers)
    assert response.status_code == 400
    assert response.json()["field"] == field
    listed = await client.get("/api/sessions", headers=account.headers)
    assert listed.json()["pagination"]["total"] == 0


async def test_list_is_paginated_filtered_and_only_your_own(client: Client) -> None:
    me = await register(client)
    other = await register(client, "Other Person")
    for kind in ("technical", "behavioral", "technical"):
        await create(client, me, type=kind)
    await create(client, other)
    page = await client.get("/api/sessions", params={"per_page": 2, "page": 1}, headers=me.headers)
    body = page.json()
    assert body["pagination"] == {"page": 1, "per_page": 2, "total": 3}
    assert len(body["data"]) == 2
    second = (await client.get("/api/sessions", params={"per_page": 2, "page": 2}, headers=me.headers)).json()
    assert len(second["data"]) == 1
    ids = {s["id"] for s in body["data"]} | {s["id"] for s in second["data"]}
    assert len(ids) == 3
    technical = (await client.get("/api/sessions", params={"type": "technical"}, headers=me.headers)).json()
    assert technical["pagination"]["total"] == 2
    assert (
        await client.get("/api/sessions", params={"per_page": 500}, headers=me.headers)
    ).status_code == 400


async def test_another_users_session_is_404_everywhere(client: Client) -> None:
    owner = await register(client)
    intruder = await register(client, "Eve Intruder")
    session = await create(client, owner)
    sid = session["id"]
    for method, path, body in [
        ("GET", f"/api/sessions/{sid}", None),
        ("POST", f"/api/sessions/{sid}/end", None),
        ("POST", f"/api/sessions/{sid}/next", None),
        ("POST", f"/api/sessions/{sid}/answers", {"question_id": "x", "text": "t", "idempotency_key": "k"}),
        ("GET", f"/api/sessions/{sid}/questions/x/model-answer", None),
    ]:
        response = await client.request(method, path, json=body, headers=intruder.headers)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"] == "not_found"
    still = (await client.get(f"/api/sessions/{sid}", headers=owner.headers)).json()["data"]
    assert still["session"]["status"] == "active"


async def _current_question(client: Client, account: Account, sid: str) -> dict[str, Any]:
    for _ in range(200):
        state = (await client.get(f"/api/sessions/{sid}", headers=account.headers)).json()["data"]
        if state["current_question_id"]:
            return dict(
                next(q for q in state["questions"] if q["question_id"] == state["current_question_id"])
            )
        await asyncio.sleep(0.05)
    raise AssertionError("no question was asked")


async def test_a_rest_only_client_can_hold_an_interview_by_polling(client: Client) -> None:
    account = await register(client)
    session = await create(client, account)
    sid = session["id"]
    question = await _current_question(client, account, sid)
    early = await client.get(
        f"/api/sessions/{sid}/questions/{question['question_id']}/model-answer", headers=account.headers
    )
    assert early.status_code == 409
    answer = {
        "question_id": question["question_id"],
        "text": "Processes isolate memory; threads share it.",
        "idempotency_key": "a1",
    }
    submitted = await client.post(f"/api/sessions/{sid}/answers", json=answer, headers=account.headers)
    assert submitted.status_code == 201
    assert submitted.json()["data"]["duplicate"] is False
    again = await client.post(f"/api/sessions/{sid}/answers", json=answer, headers=account.headers)
    assert again.json()["data"]["duplicate"] is True
    card = await client.get(
        f"/api/sessions/{sid}/questions/{question['question_id']}/model-answer", headers=account.headers
    )
    assert card.status_code == 200
    assert card.json()["data"]["outline"]
    assert card.json()["data"]["criteria"]
    for _ in range(200):
        state = (await client.get(f"/api/sessions/{sid}", headers=account.headers)).json()["data"]
        if state["questions"][0]["evaluation"]["status"] == "done":
            break
        await asyncio.sleep(0.05)
    assert state["questions"][0]["evaluation"]["score"] is not None
    moved = await client.post(f"/api/sessions/{sid}/next", headers=account.headers)
    assert moved.json()["data"]["position"] == 1
    ended = await client.post(f"/api/sessions/{sid}/end", headers=account.headers)
    assert ended.json()["data"]["status"] == "completed"
    late = await client.post(
        f"/api/sessions/{sid}/answers",
        json={**answer, "idempotency_key": "a2"},
        headers=account.headers,
    )
    assert late.status_code == 409


async def test_cookie_authenticated_writes_need_the_csrf_token(client: Client) -> None:
    response = await client.post(
        "/api/auth/register",
        json={"email": "csrf@example.com", "password": "correct horse battery", "name": "C"},
    )
    token = client.cookies.get("coach_csrf")
    assert token
    body = {"type": "technical", "difficulty": "easy", "duration_minutes": 10, "role": "backend"}
    refused = await client.post("/api/sessions", json=body)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]
    wrong = await client.post("/api/sessions", json=body, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403
    ok = await client.post("/api/sessions", json=body, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201
    assert response.status_code == 201
    # Bearer clients are not exposed to CSRF and need no token.
    bearer = response.json()["data"]["access_token"]
    client.cookies.clear()
    assert (
        await client.post("/api/sessions", json=body, headers={"Authorization": f"Bearer {bearer}"})
    ).status_code == 201
