"""Wire formats: each provider flavour's request parsing, reply rendering, streams and errors."""
