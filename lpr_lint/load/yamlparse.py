"""YAML loading with positions, YAML 1.2 core scalars and hard limits.

PyYAML composes the node graph (libyaml when available); values are then built here rather
than by PyYAML's constructors, so that

* plain scalars follow the YAML 1.2 core schema: ``no``/``on`` stay text (the "Norway
  problem") and ``2027-01-31`` stays the text of a date, exactly as in JSON;
* any tag other than the core ``str/int/float/bool/null/map/seq`` (``!!python/…``,
  ``!!binary``, custom tags) is an error, never an object;
* duplicate keys, non-text keys and merge keys (``<<``) are errors;
* aliases are measured before anything is built: an "alias bomb" that would expand into
  more than :data:`MAX_ALIAS_EXPANSION` extra values is refused in linear time.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lpr_lint.errors import InputError
from lpr_lint.jsondata import clip
from lpr_lint.load.duplicates import DuplicateKey
from lpr_lint.load.positions import MAX_DEPTH, Locator
from lpr_lint.pointer import split

MAX_ALIAS_EXPANSION = 100_000
"""Values that aliases may add on top of the document's own nodes."""

_MAX_INT_BITS = 14_000
"""Integers wider than this could not be printed in decimal (Python's 4300-digit limit)."""
_PLAIN = "tag:lpr-lint:plain"
_CORE = "tag:yaml.org,2002:"
_ALLOWED_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null")}

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_NONFINITE = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


class _Resolver(yaml.resolver.BaseResolver):
    """No implicit typing by PyYAML: plain scalars are marked and resolved here (YAML 1.2)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's class protocol

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class _Loader(CParser, _Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Resolver.__init__(self)

else:  # pragma: no cover - wheels ship libyaml; kept for source installs without it

    class _Loader(  # type: ignore[no-redef]
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
        _Resolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _Resolver.__init__(self)


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _col(node: Node) -> int:
    return int(node.start_mark.column) + 1


class _Builder:
    def __init__(self, display: str) -> None:
        self.display = display

    def fail(self, node: Node, message: str) -> InputError:
        return InputError(self.display, message, _line(node), _col(node))

    def measure(self, root: Node) -> None:
        """Refuse recursive aliases, excessive nesting and alias bombs before building."""
        sizes: dict[int, int] = {}
        active: set[int] = set()
        distinct = 0
        # iterative post-order walk: (node, depth, children_done)
        stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
        while stack:
            node, depth, done = stack.pop()
            key = id(node)
            if done:
                active.discard(key)
                kids = _children(node)
                sizes[key] = 1 + sum(sizes[id(k)] for k in kids)
                continue
            if key in sizes:
                continue
            if key in active:
                raise self.fail(node, "recursive YAML alias (a value contains itself)")
            if depth > MAX_DEPTH:
                raise self.fail(node, f"nested too deeply (the limit is {MAX_DEPTH} levels)")
            distinct += 1
            kids = _children(node)
            if not kids:
                sizes[key] = 1
                continue
            active.add(key)
            stack.append((node, depth, True))
            stack.extend((k, depth + 1, False) for k in reversed(kids) if id(k) not in sizes)
        total = sizes[id(root)]
        if total - distinct > MAX_ALIAS_EXPANSION:
            raise InputError(self.display, f"YAML aliases would expand to {total:,} values from "
                             f"{distinct:,} written ones (an 'alias bomb'); write the values out",
                             _line(root), _col(root))

    def build(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != _CORE + "seq":
                raise self.fail(node, f"YAML tag {node.tag!r} is not allowed in an export")
            return [self.build(item) for item in node.value]
        if isinstance(node, MappingNode):
            if node.tag != _CORE + "map":
                raise self.fail(node, f"YAML tag {node.tag!r} is not allowed in an export")
            out: dict[str, Any] = {}
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(key_node, "a mapping key must be text, not a list or mapping")
                if key_node.tag == _PLAIN and key_node.value == "<<":
                    raise self.fail(key_node, "YAML merge keys (<<) are not supported; write "
                                    "the values out")
                key = self.scalar(key_node)
                if not isinstance(key, str):
                    raise self.fail(key_node, f"mapping key {key_node.value!r} must be text; "
                                    "put it in quotes")
                if key in out:
                    raise DuplicateKey(self.display, key, first[key], _line(key_node),
                                       _col(key_node))
                first[key] = _line(key_node)
                out[key] = self.build(value_node)
            return out
        raise self.fail(node, "unsupported YAML node")  # pragma: no cover

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == _PLAIN:
            return self.resolve_plain(node, text)
        if tag not in _ALLOWED_SCALAR_TAGS:
            raise self.fail(node, f"YAML tag {tag!r} is not allowed in an export")
        if tag == _CORE + "str":
            return text
        value = self.resolve_plain(node, text)
        wanted = {"int": int, "float": float, "bool": bool, "null": type(None)}[tag[len(_CORE):]]
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if type(value) is not wanted:
            raise self.fail(node, f"{text!r} is not a valid {tag[len(_CORE):]}")
        return value

    def resolve_plain(self, node: ScalarNode, text: str) -> Any:
        if _NULL.match(text):
            return None
        if text in _BOOL:
            return _BOOL[text]
        try:
            value: int | None = None
            if _INT.match(text):
                value = int(text)
            elif _OCT.match(text):
                value = int(text[2:], 8)
            elif _HEX.match(text):
                value = int(text[2:], 16)
        except ValueError:  # more decimal digits than Python converts (4300)
            raise self.fail(node, "a number has too many digits") from None
        if value is not None:
            if value.bit_length() > _MAX_INT_BITS:
                raise self.fail(node, "a number has too many digits")
            return value
        if _FLOAT.match(text):
            number = float(text)
            if math.isinf(number):
                shown = clip(text, 24)
                raise self.fail(node, f"{shown} is too large to be a number")
            return number
        if _NONFINITE.match(text):
            raise self.fail(node, f"{text} is not allowed (NaN and infinity are not numbers)")
        return text


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _clamp(text: str, line: int, col: int) -> tuple[int, int]:
    """libyaml reports end-of-stream errors on a line after the last: point at the end instead."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1 if lines else 1
    return line, col


def load_yaml(text: str, display: str, allow_empty: bool = False) -> tuple[Any, Locator]:
    """Parse one YAML document; return the data and a pointer locator.

    An empty (or comments-only) text is an error unless ``allow_empty``, when it gives None.
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in str(exc):
            problem = "several YAML documents in one file; an export is a single document"
        line, col = _clamp(text, mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(display, f"invalid YAML: {problem}", line, col) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if exc.position is not None else None
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise InputError(display, f"invalid YAML: control character U+{char:04X} is not allowed",
                         line) from None
    except yaml.YAMLError as exc:
        raise InputError(display, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputError(display, f"nested too deeply (the limit is {MAX_DEPTH} levels)") from None
    finally:
        loader.dispose()
    if root is None:
        if allow_empty:
            return None, lambda pointer: (1, 1)
        raise InputError(display, "the file holds no YAML document", 1)
    builder = _Builder(display)
    builder.measure(root)
    data = builder.build(root)

    def locate(pointer: str) -> tuple[int, int]:
        node: Node = root
        best = (_line(node), _col(node))
        for seg in split(pointer):
            nxt: Node | None = None
            at: Node | None = None
            if isinstance(node, MappingNode):
                for k, v in node.value:
                    if isinstance(k, ScalarNode) and k.value == seg:
                        nxt, at = v, k
                        break
            elif isinstance(node, SequenceNode) and seg.isdigit() and int(seg) < len(node.value):
                nxt = at = node.value[int(seg)]
            if nxt is None or at is None:
                break
            best = (_line(at), _col(at))
            node = nxt
        return best

    return data, locate
