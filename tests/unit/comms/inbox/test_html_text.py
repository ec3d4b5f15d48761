"""HTML mail read as text."""

from recoup.comms.inbox.html_text import html_to_text


def test_blocks_become_lines_and_entities_are_decoded():
    assert html_to_text("<div>One&nbsp;two</div><div>Three<br>four</div>") == "One two\n\nThree\nfour"


def test_a_link_shows_where_it_really_goes():
    assert html_to_text('<a href="https://evil.example/">https://lender.example/</a>') == (
        "https://lender.example/ <https://evil.example/>"
    )
    assert (
        html_to_text('<a href="https://lender.example/">https://lender.example/</a>')
        == "https://lender.example/"
    )


def test_scripts_styles_and_the_head_are_dropped():
    assert (
        html_to_text("<head><title>T</title><style>x{}</style></head><script>bad()</script><p>Hi</p>") == "Hi"
    )


def test_preformatted_text_keeps_its_spacing():
    assert html_to_text("<pre>a   b\n  c</pre>") == "a   b\n  c"
