"""Fuzzing the claimed operations from the official OpenAPI spec: never a 5xx, replies conform.

schemathesis generates valid and invalid requests from the vendored spec subset. Most invalid ones
(and many valid-by-the-spec ones the real API refuses too) get a 400; none may get a 5xx, and every
2xx must match the spec's response schema. Bounded and derandomised so the suite stays fast and the
same examples run every time. Half the generated bodies ask for a real model so some reach the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.generation import GenerationMode

from chaos.testing import FiredrillServer
from tests.fake_llm.server.spec_support import spec

MODELS = {"/chat/completions": "gpt-4o", "/responses": "gpt-4o", "/embeddings": "text-embedding-3-small",
          "/completions": "gpt-3.5-turbo-instruct", "/moderations": "omni-moderation-latest"}

schema = schemathesis.openapi.from_dict(spec())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
# the spec's own examples and hypothesis fuzzing; the coverage phase enumerates every boundary of
# the huge Responses schema and takes a minute, too long for the fast suite
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(scope="module")
def server() -> Iterator[FiredrillServer]:
    srv = FiredrillServer(seed=7).start()
    try:
        yield srv
    finally:
        srv.stop()


@schema.hook
def map_body(ctx: Any, body: Any) -> Any:  # noqa: ARG001 - the hook's signature
    """Point most generated bodies at a model that exists (and give a Response an input), so they
    get past the 404 to the validation and the model."""
    path = ctx.operation.path if ctx.operation is not None else ""
    if not isinstance(body, dict) or path not in MODELS or len(repr(body)) % 3 == 0:
        return body
    extra = {"input": "What is 2+2?"} if path == "/responses" and "input" not in body else {}
    return {**body, "model": MODELS[path], **extra}


@schema.parametrize()
@hypothesis.settings(max_examples=60, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_no_5xx_and_replies_conform(case: schemathesis.Case, server: FiredrillServer) -> None:
    checks = [not_a_server_error, content_type_conformance]
    # the spec types every embedding as an array of floats; with encoding_format base64 the real API
    # (and the SDK, which asks for it by default) sends a base64 string, so that body is not checked
    # schemathesis checks a streamed reply's events undecoded, so streams are checked, decoded, in
    # test_spec_conformance instead
    body = case.body if isinstance(case.body, dict) else {}
    if body.get("encoding_format") != "base64" and body.get("stream") is not True:
        checks.append(response_schema_conformance)
    case.call_and_validate(base_url=server.openai_base_url, headers={"Authorization": "Bearer sk-test"},
                           checks=checks)
