"""Cut the operations firedrill claims out of the official OpenAI OpenAPI spec.

    python scripts/vendor_openai_spec.py path/to/openai-openapi/openapi.yaml

Writes tests/fake_llm/spec/openai-openapi-subset.json: the claimed operations and every component
they reference, nothing else (the whole spec is 3 MB). The spec is MIT-licensed by OpenAI; its
licence sits beside the subset. Re-run when the spec changes upstream.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

CLAIMED = {
    ("/chat/completions", "post"),
    ("/completions", "post"),
    ("/embeddings", "post"),
    ("/models", "get"),
    ("/models/{model}", "get"),
    ("/moderations", "post"),
    ("/responses", "post"),
    ("/responses/{response_id}", "get"),
}
OUT = Path(__file__).resolve().parent.parent / "tests" / "fake_llm" / "spec" / "openai-openapi-subset.json"


def subset(spec: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, method in sorted(CLAIMED):
        paths.setdefault(path, {})[method] = spec["paths"][path][method]
    components = spec["components"]
    wanted: set[tuple[str, str]] = set()
    stack: list[Any] = [paths]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                _, _, section, name = ref.split("/", 3)
                if (section, name) not in wanted:
                    wanted.add((section, name))
                    stack.append(components[section][name])
            stack.extend(v for k, v in node.items() if k != "$ref")
        elif isinstance(node, list):
            stack.extend(node)
    kept: dict[str, Any] = {"securitySchemes": components.get("securitySchemes", {})}
    for section, name in sorted(wanted):
        kept.setdefault(section, {})[name] = components[section][name]
    return {"openapi": spec["openapi"], "info": spec["info"], "servers": [{"url": "/v1"}],
            "security": spec.get("security", []), "paths": paths, "components": kept}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    spec = yaml.safe_load(Path(argv[0]).read_text())
    OUT.write_text(json.dumps(subset(spec), indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(CLAIMED)} operations)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
