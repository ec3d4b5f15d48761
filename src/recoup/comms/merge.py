"""Merge fields: template wording in Django template syntax, rendered by a sandboxed engine.

The engine knows one tag, `{% if %}` (with `{% else %}`), and a fixed allow-list of filters; no
`load`, `include`, `extends`, `url` or any tag that reaches files or the database. Fields are flat
names (`{{ arrears }}`, never `{{ customer.name }}`) and their values are plain strings the
context built beforehand, so nothing a template says can run code or query anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import IfNode

from recoup.comms.errors import InvalidTemplate, MissingMergeField

register = Library()
register.tag("if", defaulttags.do_if)
FILTERS = ("default", "upper", "lower", "title", "capfirst", "linebreaksbr", "truncatechars")
for _name in FILTERS:
    register.filter(_name, getattr(defaultfilters, _name))

# The fields every template may use: what the context builds from the account (comms.context).
ACCOUNT_FIELDS: frozenset[str] = frozenset(
    {
        "customer_name",
        "customer_given_name",
        "customer_family_name",
        "customer_address",
        "customer_email",
        "customer_phone",
        "account_number",
        "vehicle",
        "registration",
        "currency",
        "arrears",
        "balance",
        "installment",
        "next_due_date",
        "oldest_unpaid_due_date",
        "installments_missed",
        "lender_name",
        "lender_address",
        "lender_phone",
        "lender_email",
        "lender_registration",
        "today",
    }
)


class _SandboxEngine(Engine):
    default_builtins: list[str] = []


def _engine(*, autoescape: bool) -> Engine:
    return _SandboxEngine(loaders=[], builtins=["recoup.comms.merge"], autoescape=autoescape)


_HTML = _engine(autoescape=True)
_TEXT = _engine(autoescape=False)


@dataclass(frozen=True)
class Wording:
    """A template version's subject and body, parsed; `fields` are every field they use."""

    subject: Any
    body: Any
    fields: frozenset[str]


def wording_parse(*, subject: str, body: str, html: bool, known: Iterable[str]) -> Wording:
    """Parse a subject and body, refusing a syntax error, a tag or filter outside the allow-list, a
    dotted or unknown field (named). Raises InvalidTemplate (field "subject" or "body")."""
    known = frozenset(known)
    parsed = {}
    fields: set[str] = set()
    for name, text, engine in (("subject", subject, _TEXT), ("body", body, _HTML if html else _TEXT)):
        try:
            template = engine.from_string(text)
        except TemplateSyntaxError as error:
            raise InvalidTemplate(f"{name}: {error}", field=name) from None
        used = _fields(template.nodelist, where=name)
        unknown = sorted(used - known)
        if unknown:
            raise InvalidTemplate(
                f"{name}: unknown merge field {unknown[0]!r}"
                + (f" (and {', '.join(unknown[1:])})" if unknown[1:] else ""),
                field=name,
            )
        fields |= used
        parsed[name] = template
    if not body.strip():
        raise InvalidTemplate("body: a template needs some wording", field="body")
    return Wording(subject=parsed["subject"], body=parsed["body"], fields=frozenset(fields))


def wording_render(wording: Wording, values: Mapping[str, str]) -> tuple[str, str]:
    """The subject and body with every field filled. Raises MissingMergeField (field "context")."""
    missing = sorted(wording.fields - values.keys())
    if missing:
        raise MissingMergeField(f"context: no value for merge field {missing[0]!r}", field="context")
    subject = wording.subject.render(Context(dict(values), autoescape=wording.subject.engine.autoescape))
    body = wording.body.render(Context(dict(values), autoescape=wording.body.engine.autoescape))
    return " ".join(subject.split()), body


def _fields(nodes: Iterable[Node], *, where: str) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, TextNode):
            continue
        if isinstance(node, VariableNode):
            found |= _expression_fields(node.filter_expression, where=where)
        elif isinstance(node, IfNode):
            for condition, branch in node.conditions_nodelists:
                if condition is not None:
                    found |= _condition_fields(condition, where=where)
                found |= _fields(branch, where=where)
        else:
            raise InvalidTemplate(f"{where}: {type(node).__name__} is not allowed in a template", field=where)
    return found


def _condition_fields(condition: Any, *, where: str) -> set[str]:
    found: set[str] = set()
    if isinstance(getattr(condition, "value", None), FilterExpression):
        found |= _expression_fields(condition.value, where=where)
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        if part is not None:
            found |= _condition_fields(part, where=where)
    return found


def _expression_fields(expression: FilterExpression, *, where: str) -> set[str]:
    found: set[str] = set()
    for variable in (expression.var, *(arg for _, args in expression.filters for _, arg in args)):
        if not isinstance(variable, Variable) or variable.literal is not None:
            continue
        lookups = variable.lookups or ()
        if len(lookups) != 1:
            raise InvalidTemplate(f"{where}: merge fields are plain names, not {variable.var!r}", field=where)
        found.add(lookups[0])
    return found
