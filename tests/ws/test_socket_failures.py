"""Bounded protocol integers and unexpected failures on a real socket, on both backends."""

from __future__ import annotations

import logging

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from coach.services import answers
from tests.support.factories import Account
from tests.support.http import new_session
from tests.support.server import ServerThread
from tests.support.wsclient import Client


async def test_a_draft_seq_beyond_the_column_gets_an_error_and_the_socket_lives_on(
    server: ServerThread, http: httpx.AsyncClient, account: Account
) -> None:
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    for seq in (2**31, 2**53):
        await client.send({"type": "answer.draft", "question_id": question.id, "seq": seq, "text": "x"})
        error = await client.until("error")
        assert error["code"] == "bad_message"
        assert "seq" in error["message"]
    # Nor can a text column hold a NUL character.
    await client.send({"type": "answer.draft", "question_id": question.id, "seq": 1, "text": "a\u0000b"})
    error = await client.until("error")
    assert error["code"] == "bad_message"
    assert "text" in error["message"]
    # The largest seq the column holds is stored and acknowledged; the socket is still open.
    await client.send({"type": "answer.draft", "question_id": question.id, "seq": 2**31 - 1, "text": "kept"})
    ack = await client.until("answer.ack")
    assert ack["seq"] == 2**31 - 1
    await client.send({"type": "ping"})
    assert (await client.until("pong"))["type"] == "pong"
    await client.close()
    transcript = (await http.get(f"/api/sessions/{session['id']}", headers=account.headers)).json()["data"]
    answer = transcript["questions"][0]["answer"]
    assert (answer["draft_seq"], answer["draft_text"]) == (2**31 - 1, "kept")


async def test_an_unexpected_failure_is_logged_and_reported_before_the_socket_closes(
    server: ServerThread,
    http: httpx.AsyncClient,
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(*_: object, **__: object) -> int:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(answers, "save_draft", broken)
    session = await new_session(http, account)
    client = await Client.open(server.ws, session["id"], account.token)
    question = await client.question()
    with caplog.at_level(logging.ERROR, logger="coach.ws"):
        await client.send({"type": "answer.draft", "question_id": question.id, "seq": 1, "text": "x"})
        error = await client.until("error")
        assert error["code"] == "server_error"
        assert error["question_id"] == question.id
        with pytest.raises(ConnectionClosed) as closed:
            await client.until("never")
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1011
    failures = [r for r in caplog.records if r.name == "coach.ws" and r.levelno >= logging.ERROR]
    assert failures
    assert failures[0].exc_info is not None
    assert "the database went away" in str(failures[0].exc_info[1])
