"""Outside XML is read by the C parser only once any DTD has been refused."""

from xml.etree.ElementTree import ParseError

import pytest

from recoup.kernel.xml_read import UnsafeXml, xml_read


def test_a_document_without_a_dtd_is_read() -> None:
    root = xml_read(b'<?xml version="1.0" encoding="UTF-8"?><a x="1"><b>caf\xc3\xa9 &amp; co</b></a>')

    assert (root.tag, root.get("x"), root.findtext("b")) == ("a", "1", "café & co")


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "eeee">]><a>&e;</a>',
        b'<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>',
        b'<?xml version="1.0"?>\n<!-- a comment first -->\n<!DOCTYPE a><a/>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "e">]><a>&e;</a>'.encode("utf-16"),
    ],
    ids=["internal entities", "external DTD", "after a comment", "in UTF-16"],
)
def test_any_dtd_is_refused(document: bytes) -> None:
    with pytest.raises(UnsafeXml, match="DTD"):
        xml_read(document)


def test_an_entity_never_declared_is_a_well_formedness_error() -> None:
    with pytest.raises(ParseError, match="undefined entity"):
        xml_read(b"<a>&lol;</a>")


def test_a_broken_document_reports_where() -> None:
    with pytest.raises(ParseError) as error:
        xml_read(b"<a>\n  <b></a>")

    assert error.value.position == (2, 7)
