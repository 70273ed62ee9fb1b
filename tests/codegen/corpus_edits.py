"""The corpus of spec edits (corpus/cases.yaml): its cases, and the OLD and NEW spec text of each.

Edits are JSON-pointer operations on the parsed document (`set`, `add`, `remove`, `rename`) or `text`
replacements on the written YAML; a case may start from another case's NEW (`base`).
"""

from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().with_name("corpus")
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
BY_NAME = {case["name"]: case for case in CASES}
SCHEMAS = "/components/schemas/"


def _tokens(pointer: str) -> list[str]:
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]


def _rewrite_references(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and value == old:
                node[key] = new
            else:
                _rewrite_references(value, old, new)
    elif isinstance(node, list):
        for item in node:
            _rewrite_references(item, old, new)


def _apply(document: dict[str, Any], edit: dict[str, Any]) -> None:
    operation = next(name for name in ("set", "add", "remove", "rename") if name in edit)
    *parents, last = _tokens(edit[operation])
    node: Any = document
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if operation in ("set", "add") and isinstance(node, list):
        if last == "-":
            node.append(edit["value"])
        elif operation == "add":
            node.insert(int(last), edit["value"])
        else:
            node[int(last)] = edit["value"]
    elif operation in ("set", "add"):
        node[last] = edit["value"]
    elif operation == "remove":
        del node[int(last) if isinstance(node, list) else last]
    else:  # rename a key in place; a schema component's references follow it
        items = list(node.items())
        node.clear()
        node.update((edit["to"] if key == last else key, value) for key, value in items)
        if edit["rename"].startswith(SCHEMAS) and len(parents) == 2:
            _rewrite_references(document, f"#{SCHEMAS}{last}", f"#{SCHEMAS}{edit['to']}")


def spec_text(name: str | None) -> str:
    """The text of a case's NEW spec (of base.yaml for `None`)."""
    if name is None:
        return (CORPUS / "base.yaml").read_text(encoding="utf-8")
    case = BY_NAME[name]
    text = spec_text(case.get("base"))
    structural = [edit for edit in case["edits"] if "text" not in edit]
    if structural:
        document = yaml.safe_load(text)
        for edit in structural:
            _apply(document, edit)
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=10_000)
    for edit in case["edits"]:
        if "text" in edit:
            assert text.count(edit["text"]) == 1, f"{name}: {edit['text']!r} must occur once"
            text = text.replace(edit["text"], edit["with"])
    return text
