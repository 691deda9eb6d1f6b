"""One pydantic model per request type, with the fields and bounds of the official API specs.

Top-level fields are closed (an unknown one is a 400, as on the real APIs); nested objects stay
open so the odd-but-valid extras the SDKs send pass. Validation only: the wire parsers still read
the body itself.
"""

from fake_llm.wire.request_models.anthropic_messages import CountTokensRequest, MessagesRequest
from fake_llm.wire.request_models.chat import ChatRequest
from fake_llm.wire.request_models.completions import CompletionRequest
from fake_llm.wire.request_models.embeddings import EmbeddingsRequest
from fake_llm.wire.request_models.moderations import ModerationRequest
from fake_llm.wire.request_models.responses import CompactRequest, InputTokensRequest, ResponsesRequest

__all__ = ["ChatRequest", "CompactRequest", "CompletionRequest", "CountTokensRequest", "EmbeddingsRequest",
           "InputTokensRequest", "MessagesRequest", "ModerationRequest", "ResponsesRequest"]
