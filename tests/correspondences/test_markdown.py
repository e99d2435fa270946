"""A message body cannot run, fetch or smuggle anything (DESIGN section 6)."""

import pytest

from apps.correspondences.markdown import render_markdown


def test_it_renders_ordinary_markdown():
    html = render_markdown("# Vedtak\n\nDette er **viktig** og *haster*.\n\n- en\n- to")

    assert "<h1>Vedtak</h1>" in html
    assert "<strong>viktig</strong>" in html
    assert "<em>haster</em>" in html
    assert "<li>en</li>" in html


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "Tekst <script>alert(1)</script> tekst",
        '<img src="https://tracker.example/pixel.png" onerror="alert(1)">',
        '<a href="javascript:alert(1)">klikk</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<div onclick="alert(1)">trykk</div>',
        "<style>body{display:none}</style>",
    ],
)
def test_it_shows_raw_html_as_text(body):
    html = render_markdown(body)

    assert "<script" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert "<div" not in html
    assert "<style" not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "link",
    [
        "[klikk](javascript:alert(1))",
        "[klikk](JaVaScRiPt:alert(1))",
        "[klikk](vbscript:msgbox)",
        "[klikk](data:text/html;base64,PHNjcmlwdD4=)",
        "[klikk](file:///etc/passwd)",
        "[klikk](/admin/)",
        "[klikk](//evil.example/)",
    ],
)
def test_it_drops_links_that_are_not_http_https_or_mailto(link):
    html = render_markdown(link)

    assert "href" not in html
    assert "klikk" in html


def test_it_keeps_web_and_mail_links_and_cuts_them_off_from_the_page():
    html = render_markdown(
        "[Nav](https://www.nav.no/) og [skriv](mailto:post@example.no)"
    )

    assert '<a href="https://www.nav.no/" rel="noopener noreferrer">Nav</a>' in html
    assert '<a href="mailto:post@example.no" rel="noopener noreferrer">skriv' in html


def test_it_renders_no_images_so_nothing_is_fetched_when_a_message_is_read():
    html = render_markdown("![sporing](https://tracker.example/pixel.png)")

    assert "<img" not in html
    assert "src=" not in html


def test_it_keeps_no_attributes_that_could_carry_script_or_style():
    html = render_markdown('[a](https://example.no "tittel")\n\n| x |\n|:-:|\n| y |')

    assert "style=" not in html
    assert 'title="tittel"' in html
    assert "<table>" in html


def test_an_empty_body_renders_as_nothing():
    assert render_markdown("") == ""
