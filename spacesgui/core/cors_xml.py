"""CORS rules to and from S3's CORSConfiguration XML, with the line of anything wrong.

Parsing is strict about the shape (the elements S3's schema has, in the places it has
them), and leaves the values to `cors.validate_rules`, so a bad origin read from XML is
shown on its cell like one typed there. Methods are the exception: the editor shows them
as five check boxes, so a method that is not one of them is refused here, with its line.

No DOCTYPE or entity declarations are accepted: they are never part of a CORS
configuration, and refusing them keeps entity-expansion tricks out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.parsers import expat
from xml.sax.saxutils import escape

from spacesgui.core.cors import CorsRule, method_problem

S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
ROOT = "CORSConfiguration"
RULE = "CORSRule"
# Element name -> CorsRule field, in the order S3 documents (and the renderer writes) them.
_LISTS = {
    "AllowedOrigin": "origins",
    "AllowedMethod": "methods",
    "AllowedHeader": "allowed_headers",
    "ExposeHeader": "expose_headers",
}
_SINGLE = {"ID": "rule_id", "MaxAgeSeconds": "max_age"}
_RULE_ELEMENTS = ("ID", *_LISTS, "MaxAgeSeconds")


class CorsXmlError(ValueError):
    """The XML is not a CORS configuration; `line` (1-based, 0 if unknown) says where."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def describe(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


@dataclass(slots=True)
class _Element:
    name: str
    line: int
    text: list[str] = field(default_factory=list)
    children: list[_Element] = field(default_factory=list)

    @property
    def value(self) -> str:
        return "".join(self.text).strip()


def render_xml(rules: Sequence[CorsRule]) -> str:
    """The CORSConfiguration S3 takes for `rules`, indented; values are written as they are."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{ROOT} xmlns="{S3_NAMESPACE}">']
    for rule in rules:
        lines.append(f"  <{RULE}>")
        if rule.rule_id:
            lines.append(_leaf("ID", rule.rule_id))
        for name, attribute in _LISTS.items():
            lines.extend(_leaf(name, value) for value in getattr(rule, attribute))
        if rule.max_age.strip():
            lines.append(_leaf("MaxAgeSeconds", rule.max_age.strip()))
        lines.append(f"  </{RULE}>")
    lines.append(f"</{ROOT}>")
    return "\n".join(lines) + "\n"


def _leaf(name: str, value: str) -> str:
    return f"    <{name}>{escape(value)}</{name}>"


def parse_xml(text: str) -> tuple[CorsRule, ...]:
    """The rules of a CORSConfiguration document; raise CorsXmlError saying what and where.

    An empty document (only whitespace) and a configuration without rules both give ():
    no CORS configuration.
    """
    if not text.strip():
        return ()
    root = _parse_tree(text)
    if root.name != ROOT:
        raise CorsXmlError(f"The document must be a <{ROOT}>, not <{root.name}>.", root.line)
    if root.value:
        raise CorsXmlError(f"<{ROOT}> holds text outside its rules.", root.line)
    rules = []
    for child in root.children:
        if child.name != RULE:
            raise CorsXmlError(f"<{ROOT}> holds only <{RULE}> elements, not <{child.name}>.", child.line)
        rules.append(_rule(child))
    return tuple(rules)


def _rule(element: _Element) -> CorsRule:
    if element.value:
        raise CorsXmlError(f"<{RULE}> holds text outside its elements.", element.line)
    lists: dict[str, list[str]] = {attribute: [] for attribute in _LISTS.values()}
    single: dict[str, str] = {}
    for child in element.children:
        if child.children:
            raise CorsXmlError(f"<{child.name}> holds elements; it should hold only text.", child.line)
        if child.name in _LISTS:
            if child.name == "AllowedMethod" and method_problem(child.value):
                raise CorsXmlError(method_problem(child.value), child.line)
            lists[_LISTS[child.name]].append(child.value)
        elif child.name in _SINGLE:
            if _SINGLE[child.name] in single:
                raise CorsXmlError(f"A rule may have only one <{child.name}>.", child.line)
            single[_SINGLE[child.name]] = child.value
        else:
            raise CorsXmlError(
                f"<{child.name}> is not part of a CORS rule; use {', '.join(_RULE_ELEMENTS)}.", child.line
            )
    return CorsRule(
        rule_id=single.get("rule_id", ""),
        origins=tuple(lists["origins"]),
        methods=tuple(lists["methods"]),
        allowed_headers=tuple(lists["allowed_headers"]),
        expose_headers=tuple(lists["expose_headers"]),
        max_age=single.get("max_age", ""),
    )


def _parse_tree(text: str) -> _Element:
    """A tree of elements (namespaces dropped) with the line each starts on."""
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[_Element] = []
    roots: list[_Element] = []

    def start(name: str, _attributes: dict[str, str]) -> None:
        element = _Element(name.rpartition(" ")[2], parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(element)
        else:
            roots.append(element)
        stack.append(element)

    def end(_name: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if stack:
            stack[-1].text.append(data)

    def refuse_doctype(*_args: object) -> None:
        raise CorsXmlError("A CORS configuration has no DOCTYPE.", parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code) if error.code else str(error)
        raise CorsXmlError(
            f"The XML is not well-formed: {reason} (column {error.offset + 1}).", error.lineno
        ) from None
    return roots[0]
