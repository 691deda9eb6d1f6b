"""A local fake LLM provider (OpenAI and Anthropic wire formats) and a breakable RAG feature."""
