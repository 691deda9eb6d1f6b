"""A fictional company's knowledge base, generated from a seed, and the golden Q&A set it implies.

Facts are structured (topic, subject, value), so the world always knows the truth. Each fact is
rendered as one sentence of a document; each document has a version and ``updated_at``. Updating
a fact after the index was built is how a stale index happens.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker

from fake_llm.context import terms

TOPICS = ("pricing", "plans", "refunds", "shipping", "security", "support-hours", "regions")


@dataclass
class Fact:
    id: str
    topic: str
    doc_id: str
    subject: str
    template: str  # sentence with {value}
    value: str
    questions: tuple[str, ...]  # several phrasings
    key_template: str = "{value}"  # what a correct answer must contain

    @property
    def sentence(self) -> str:
        return self.template.format(value=self.value)

    @property
    def key(self) -> str:
        return self.key_template.format(value=self.value)


@dataclass
class Document:
    id: str
    title: str
    topic: str
    version: int = 1
    updated_at_s: float = 0.0  # drill seconds; negative = before the drill
    fact_ids: list[str] = field(default_factory=list)
    filler: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GoldenQuestion:
    id: str
    fact_id: str | None  # None: a question the knowledge base does not cover
    topic: str
    text: str


class KnowledgeBase:
    """Facts, documents and the golden questions, all from one seed."""

    def __init__(self, *, seed: int, target_chunks: int = 300) -> None:
        self.rng = random.Random(f"kb:{seed}")
        self.faker = Faker()
        self.faker.seed_instance(seed)
        self.company = self.faker.company().replace(",", "")
        self.facts: dict[str, Fact] = {}
        self.documents: dict[str, Document] = {}
        self.products = self._unique_names(12)
        self.plans = ["Starter", "Team", "Business", "Enterprise"]
        self.regions = ["EU", "US", "UK", "APAC", "LATAM", "Canada"]
        self._generate()
        self._pad(target_chunks)
        self.golden = self._golden()

    # --- generation ------------------------------------------------------------------------

    def _unique_names(self, n: int) -> list[str]:
        names: list[str] = []
        suffixes = ["Pro", "Max", "Lite", "Plus", "One", "Go", "Air", "Edge"]
        while len(names) < n:
            word = self.faker.unique.word()
            if len(word) < 4 or not terms(word):  # a product must be nameable in a question
                continue
            name = f"{word.title()} {self.rng.choice(suffixes)}"
            if name not in names:
                names.append(name)
        return names

    def _doc(self, doc_id: str, title: str, topic: str) -> Document:
        doc = self.documents.setdefault(
            doc_id, Document(doc_id, title, topic, updated_at_s=-86400.0 * self.rng.randint(20, 200))
        )
        return doc

    def _fact(
        self,
        topic: str,
        doc_id: str,
        subject: str,
        template: str,
        value: str,
        questions: list[str],
        key: str | None = None,
    ) -> None:
        fid = f"{doc_id}/{len(self._doc(doc_id, doc_id, topic).fact_ids) + 1}"
        fact = Fact(fid, topic, doc_id, subject, template, value, tuple(questions), key or "{value}")
        self.facts[fid] = fact
        self.documents[doc_id].fact_ids.append(fid)

    def _generate(self) -> None:
        r = self.rng
        self._doc("pricing", "Product pricing", "pricing")
        for p in self.products:
            price = f"${r.randint(9, 299)}"
            self._fact(
                "pricing",
                "pricing",
                p,
                f"The {p} costs {{value}} per month.",
                price,
                [f"How much does the {p} cost?", f"What is the monthly price of the {p}?", f"{p} price per month?"],
            )
        self._doc("plans", "Plans and limits", "plans")
        for plan in self.plans:
            seats = r.choice([3, 5, 10, 25, 50, 100, 250])
            self._fact(
                "plans",
                "plans",
                plan,
                f"The {plan} plan includes up to {{value}} seats.",
                str(seats),
                [
                    f"How many seats does the {plan} plan include?",
                    f"What is the seat limit on {plan}?",
                    f"Max seats for the {plan} plan?",
                ],
                key="{value} seats",
            )
            storage = r.choice([10, 50, 100, 500, 1000])
            self._fact(
                "plans",
                "plans",
                plan,
                f"The {plan} plan comes with {{value}} GB of storage.",
                str(storage),
                [f"How much storage comes with the {plan} plan?", f"{plan} plan storage in GB?"],
                key="{value} GB",
            )
        self._doc("refund-policy", "Refund policy", "refunds")
        days = r.choice([14, 30, 45, 60])
        self._fact(
            "refunds",
            "refund-policy",
            "refund window",
            "Refunds are available within {value} days of purchase.",
            str(days),
            [
                "How long do I have to request a refund?",
                "What is the refund window?",
                "Within how many days can I get a refund?",
            ],
            key="{value} days",
        )
        self._fact(
            "refunds",
            "refund-policy",
            "refund method",
            "Approved refunds are returned to the original payment method within {value} business days.",
            str(r.choice([3, 5, 7, 10])),
            ["How quickly is an approved refund paid back?", "How many business days until a refund is returned?"],
            key="{value} business days",
        )
        self._doc("shipping-policy", "Shipping policy", "shipping")
        for region in self.regions:
            d = r.randint(2, 12)
            self._fact(
                "shipping",
                "shipping-policy",
                region,
                f"Orders to {region} ship within {{value}} business days.",
                str(d),
                [
                    f"How long does shipping to {region} take?",
                    f"Delivery time for {region} orders?",
                    f"When will my order to {region} arrive?",
                ],
                key="{value} business days",
            )
        self._doc("security-policy", "Security policy", "security")
        n = r.choice([10, 12, 14, 16])
        self._fact(
            "security",
            "security-policy",
            "password length",
            "Passwords must be at least {value} characters long.",
            str(n),
            ["How long must a password be?", "What is the minimum password length?"],
            key="{value} characters",
        )
        mfa = r.choice(["authenticator apps", "hardware keys", "SMS codes"])
        self._fact(
            "security",
            "security-policy",
            "two-factor",
            "Two-factor authentication supports {value}.",
            mfa,
            ["Which two-factor authentication methods are supported?", "What can I use for two-factor login?"],
        )
        rotation = r.choice([30, 60, 90])
        self._fact(
            "security",
            "security-policy",
            "key rotation",
            "API keys are rotated every {value} days.",
            str(rotation),
            ["How often are API keys rotated?", "What is the API key rotation period?"],
            key="{value} days",
        )
        self._doc("support-hours", "Support hours", "support-hours")
        for region in self.regions:
            start, end = r.randint(6, 10), r.randint(4, 8)
            value = f"{start}am to {end}pm"
            self._fact(
                "support-hours",
                "support-hours",
                region,
                f"Support for {region} customers is open from {{value}}.",
                value,
                [f"When is support open for {region} customers?", f"What are the {region} support hours?"],
            )
        self._doc("regions", "Data regions", "regions")
        for region in self.regions:
            city = self.faker.unique.city()
            self._fact(
                "regions",
                "regions",
                region,
                f"Customer data for {region} is hosted in {{value}}.",
                city,
                [f"Where is {region} customer data hosted?", f"Which city hosts data for {region}?"],
            )

    def _pad(self, target_chunks: int) -> None:
        """Background prose, so retrieval has distractors as a real knowledge base does."""
        docs = list(self.documents.values())
        while self.chunk_count() < target_chunks:
            doc = self.rng.choice(docs)
            doc.filler.append(self.faker.paragraph(nb_sentences=3))

    def _golden(self) -> list[GoldenQuestion]:
        out = []
        for fact in self.facts.values():
            for i, text in enumerate(fact.questions):
                out.append(GoldenQuestion(f"{fact.id}#{i}", fact.id, fact.topic, text))
        return out

    # --- use -------------------------------------------------------------------------------

    def chunk_count(self) -> int:
        return len(self.facts) + sum(len(d.filler) for d in self.documents.values())

    def chunks(self) -> list[tuple[str, str, str, float]]:
        """(chunk id, doc id, text, doc updated_at_s) for every chunk, facts first."""
        out = []
        for doc in self.documents.values():
            for fid in doc.fact_ids:
                out.append((fid, doc.id, self.facts[fid].sentence, doc.updated_at_s))
            for i, text in enumerate(doc.filler):
                out.append((f"{doc.id}/p{i}", doc.id, text, doc.updated_at_s))
        return out

    def update_fact(self, fact_id: str, value: str, *, at_s: float) -> Fact:
        """A source document changes: the truth moves on; an index built before does not."""
        fact = self.facts[fact_id]
        fact.value = value
        doc = self.documents[fact.doc_id]
        doc.version += 1
        doc.updated_at_s = at_s
        return fact

    def expected(self, question: GoldenQuestion) -> str | None:
        return None if question.fact_id is None else self.facts[question.fact_id].key
