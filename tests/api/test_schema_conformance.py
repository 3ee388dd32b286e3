"""The OpenAPI schema states what the server enforces: a bounded schemathesis run on both backends.

Every operation gets positive cases (data the schema allows) and negative ones (data it
forbids), sent over real HTTP with a fresh token each; any 5xx, undocumented status,
response that does not match its schema, or forbidden data accepted fails the test.
"""

from __future__ import annotations

import http.cookiejar
import json
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from litestar import Litestar
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.factories import PASSWORD
from tests.support.server import ServerThread

pytestmark = pytest.mark.slow

EXAMPLES = 60  # per operation and mode: ~2,300 cases per backend, ~20 s each
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def server(app: Litestar) -> Iterator[ServerThread]:
    running = ServerThread(app).start()
    yield running
    running.stop()


def _session() -> requests.Session:
    """No cookie jar: every case authenticates with its own bearer token only."""
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


def test_the_api_behaves_as_its_openapi_schema_says(server: ServerThread, app: Litestar) -> None:
    http = _session()
    registered = http.post(
        f"{server.http}/api/auth/register",
        json={"email": f"fuzz-{uuid.uuid4().hex[:8]}@example.com", "password": PASSWORD, "name": "Fuzz"},
    )
    assert registered.status_code == 201, registered.text
    user_id = registered.json()["data"]["user"]["id"]

    def bearer() -> dict[str, str]:
        # A fresh token per case, so a fuzzed logout or refresh cannot starve the rest of the run.
        token = app.state.runtime.jwt_auth.create_token(
            identifier=user_id,
            token_expiration=timedelta(minutes=30),
            token_issuer="coach",
            token_unique_jwt_id=uuid.uuid4().hex,
        )
        return {"Authorization": f"Bearer {token}"}

    schema = schemathesis.openapi.from_url(f"{server.http}/schema/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 20
    cases = 0
    started = time.monotonic()

    def fuzz(operation: APIOperation[Any, Any, Any, Any], mode: GenerationMode) -> None:
        query = [p for p in operation.iter_parameters() if p.location == "query"]
        declared = {p.name for p in query}
        scalar = {p.name for p in query if '"array"' not in json.dumps(p.definition)}

        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case[Any]) -> None:
            nonlocal cases
            cases += 1
            # Our token, unless a negative case broke the Authorization header on purpose (then a 401).
            negated_auth = mode is GenerationMode.NEGATIVE and "Authorization" in (case.headers or {})
            headers = {} if negated_auth else bearer()
            response = case.call(base_url=server.http, session=http, headers=headers, timeout=20)
            checks = CHECKS
            params = case.query or {}
            repeated = any(isinstance(v, list) for k, v in params.items() if k in scalar)
            if response.status_code == 413 or set(params) - declared or repeated:
                # 413 (documented) is a refusal too, which this check does not count. HTTP leniency
                # is not data to refuse: an undeclared query parameter is ignored and a repeated
                # scalar one takes its last value.
                checks = [c for c in CHECKS if c is not negative_data_rejection]
            case.validate_response(response, checks=checks)

        try:
            run()
        except Unsatisfiable:
            # Nothing to get wrong (no parameters, no body): no negative case exists.
            assert mode is GenerationMode.NEGATIVE, operation.label

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode)
    assert cases > 1500, cases
    print(f"schemathesis: {cases} cases in {time.monotonic() - started:.1f}s")
