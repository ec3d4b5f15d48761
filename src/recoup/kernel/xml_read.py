"""XML from outside (bank statements, Bacs reports), read by the standard library's C parser once
any document type declaration has been refused.

Entity expansion (billion laughs, quadratic blow-up) and external entities all need entities
declared in a DTD; without one, only XML's five predefined entities and character references
exist, and a reference to anything else is a well-formedness error. Banks' files carry no DTD,
so refusing one outright is what defusedxml's `forbid_dtd` does. Its ElementTree parser, though,
passes every element through Python callbacks; the check here reads only the prolog (it stops at
the first element, before which a DTD must stand) and leaves the document to the C parser, which
builds a 30 MB statement in about half the time.
"""

from __future__ import annotations

from typing import NoReturn
from xml.etree.ElementTree import Element, fromstring
from xml.parsers import expat


class UnsafeXml(ValueError):
    """The document declares a DTD."""


class _PrologRead(Exception):
    pass


def _refuse(*_: object) -> NoReturn:
    raise UnsafeXml("a document type declaration (DTD) is not accepted")


def _prolog_read(*_: object) -> NoReturn:
    raise _PrologRead


def xml_read(data: bytes | str) -> Element:
    """The document's root element.

    Raises UnsafeXml for a DTD; xml.etree.ElementTree.ParseError (with its position) for XML that
    is not well formed; LookupError when the declared encoding has no codec.
    """
    probe = expat.ParserCreate()
    probe.StartDoctypeDeclHandler = _refuse
    probe.StartElementHandler = _prolog_read
    try:
        probe.Parse(data, True)
    except _PrologRead:
        pass
    except expat.ExpatError:
        pass  # the parser below reports it, with the same position
    return fromstring(data)  # noqa: S314 - the prolog was read above and any DTD refused
