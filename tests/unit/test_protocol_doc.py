"""docs/protocol.md documents every socket message and field defined in the domain."""

from __future__ import annotations

import typing
from pathlib import Path

import msgspec
import pytest

from coach import protocol as m

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()
MESSAGES = [*typing.get_args(m.ClientMessage), *typing.get_args(m.ServerMessage)]
NESTED = [m.SessionView, m.QuestionView, m.AnswerView, m.FeedbackView, m.RunView, m.RunCase, m.TestsView]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda t: t.__name__)
def test_every_message_type_and_field_is_documented(message: type[msgspec.Struct]) -> None:
    tag = message.__struct_config__.tag
    assert f"`{tag}`" in DOC
    for name in message.__struct_fields__:
        assert f"`{name}`" in DOC, f"{tag}.{name} is not documented"


@pytest.mark.parametrize("struct", NESTED, ids=lambda t: t.__name__)
def test_every_snapshot_field_is_documented(struct: type[msgspec.Struct]) -> None:
    for name in struct.__struct_fields__:
        assert f"`{name}`" in DOC, f"{struct.__name__}.{name} is not documented"


def test_client_messages_decode_and_bad_ones_are_refused() -> None:
    draft = m.decode_client('{"type": "answer.draft", "question_id": "q", "seq": 3, "text": "x"}')
    assert draft == m.AnswerDraft(question_id="q", seq=3, text="x")
    for bad in (
        '{"type": "nope"}',
        '{"type": "answer.draft", "seq": -1, "question_id": "q", "text": ""}',
        "[]",
    ):
        with pytest.raises(msgspec.ValidationError):
            m.decode_client(bad)


def test_server_messages_round_trip() -> None:
    delta = m.QuestionDelta(question_id="q", text="Hel")
    assert m.decode_server(m.encode(delta)) == delta
    assert m.encode(delta).startswith(b'{"type":"question.delta"')
