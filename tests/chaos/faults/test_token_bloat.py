from __future__ import annotations

import openai

from chaos.testing import FiredrillServer
from tests.chaos.support import PASSAGE


def test_token_bloat_inflates_usage_and_length(firedrill_server: FiredrillServer, oai: openai.OpenAI) -> None:
    msgs = [{"role": "system", "content": PASSAGE}, {"role": "user", "content": "How much is the Pro plan?"}]
    normal = oai.chat.completions.create(model="fd-large", messages=msgs)  # type: ignore[arg-type]
    with firedrill_server.fault("token_bloat", output_multiplier=8):
        bloated = oai.chat.completions.create(model="fd-large", messages=msgs)  # type: ignore[arg-type]
    assert bloated.usage.completion_tokens >= 8 * normal.usage.completion_tokens  # type: ignore[union-attr]
    assert len(bloated.choices[0].message.content or "") > 4 * len(normal.choices[0].message.content or "")
