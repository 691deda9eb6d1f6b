"""Versioned prompts with a deploy history, and rollback to any earlier version.

Rollback is itself a deploy (of an earlier text), because that is what production history shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from fake_llm.context import CITE, GROUNDED, JSON_ANSWER
from fake_llm.errors import FakeLLMError

DEFAULT_PROMPT = (
    "You are the support assistant of {company}. {grounded}, and say you don't know when it does not "
    "answer the question. {json} with keys answer and sources. {cite}."
).format(company="{company}", grounded=GROUNDED, json=JSON_ANSWER, cite=CITE)


@dataclass(frozen=True)
class PromptVersion:
    version: str
    text: str
    message: str
    author: str
    deployed_at_s: float
    rollback_of: str | None = None


class PromptRegistry:
    def __init__(self, company: str) -> None:
        self.versions: dict[str, PromptVersion] = {}
        self.history: list[PromptVersion] = []  # every deploy, in order, rollbacks included
        self.current = self.deploy(DEFAULT_PROMPT.format(company=company), message="initial prompt",
                                   author="ml-platform", at_s=-86400.0 * 30)

    def deploy(self, text: str, *, message: str, author: str, at_s: float) -> PromptVersion:
        version = PromptVersion(f"v{len(self.versions) + 1}", text, message, author, at_s)
        self.versions[version.version] = version
        self.history.append(version)
        self.current = version
        return version

    def rollback(self, *, to: str | None = None, author: str, at_s: float) -> PromptVersion:
        """Back to ``to``, or to the version deployed before the current one."""
        if to is None:
            earlier = [v for v in self.history if v.version != self.current.version]
            if not earlier:
                raise FakeLLMError("there is no earlier prompt version to roll back to")
            target = earlier[-1]
        elif to in self.versions:
            target = self.versions[to]
        else:
            raise FakeLLMError(f"no prompt version {to!r}; known: {', '.join(self.versions)}")
        entry = PromptVersion(target.version, target.text, f"rollback to {target.version}", author, at_s,
                              rollback_of=self.current.version)
        self.history.append(entry)
        self.current = entry
        return entry
