"""Other clients a team would point at firedrill work unmodified: langchain-openai's ChatOpenAI."""

from __future__ import annotations

from langchain_openai import ChatOpenAI

from chaos.testing import FiredrillServer


def test_langchain_chat_openai_invoke_and_stream(firedrill_server: FiredrillServer) -> None:
    llm = ChatOpenAI(model="gpt-4o-mini", base_url=firedrill_server.openai_base_url, api_key="sk-test",
                     max_retries=0, stream_usage=True)
    prompt = [("system", "[doc:ship-1 updated:2026-05-01] Orders ship within 3 business days."),
              ("user", "How fast do orders ship?")]
    reply = llm.invoke(prompt)
    assert "3 business days" in str(reply.content)
    streamed = "".join(str(chunk.content) for chunk in llm.stream(prompt))
    assert streamed == reply.content
