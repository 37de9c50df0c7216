"""Slide splitting, front matter and fences: Markdown in, HTML out (build_hooks/deck/slides.py, sections.py)."""

import textwrap

import markdown
import pytest

from build_hooks.deck.sections import split_rendered, wrap_sections
from build_hooks.deck.slides import SlideError, find_fences, parse_front_matter, split_slides, to_markdown

FRONT = "---\ntitle: Demo deck\nminutes: 5\norder: 1\n---\n"
EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "toc", "pymdownx.details", "pymdownx.superfences",
              "pymdownx.highlight"]


def deck(body: str) -> str:
    return FRONT + textwrap.dedent(body).lstrip("\n")


def render(text: str):
    """The same path as the MkDocs hook: split, rewrite, render with Python-Markdown, cut again."""
    d = split_slides(text, "slides/demo.md")
    html = markdown.markdown(to_markdown(d), extensions=EXTENSIONS)
    return d, split_rendered(html, [s.line for s in d.slides], "slides/demo.md")


def error_of(text: str) -> SlideError:
    with pytest.raises(SlideError) as info:
        split_slides(text, "slides/demo.md")
    return info.value


# -------------------------------------------------------------- splitting

def test_slides_split_at_dashes_with_raw_line_numbers():
    d = split_slides(deck("""
        # Title

        ---

        ## Two
        text
        ---
        ## Three
        """), "slides/demo.md")
    assert [(s.line, s.heading, s.level) for s in d.slides] == [(6, "Title", 1), (10, "Two", 2), (13, "Three", 2)]
    assert d.meta == {"title": "Demo deck", "minutes": 5, "order": 1}


@pytest.mark.parametrize("marker", ["```", "~~~", "````", "~~~~~"])
def test_dashes_inside_fences_never_split(marker):
    text = deck(f"""
        ## Code

        {marker}yaml
        ---
        a: 1
        ---
        {marker}

        ---

        ## After
        """)
    d, rendered = render(text)
    assert [s.heading for s in d.slides] == ["Code", "After"]
    assert rendered[0].html.count("---") == 2  # both dashes are code, on slide 1


def test_nested_and_indented_fences():
    text = deck("""
        ## Nested

        ````markdown
        ```python
        ---
        ```
        ---
        ````

        - a list item with code:

            ```text
            ---
            ```

        ---

        ## Next
        """)
    d = split_slides(text, "slides/demo.md")
    assert [s.heading for s in d.slides] == ["Nested", "Next"]
    fences = find_fences(text)
    assert [(f.line, f.lang, f.end_line) for f in fences] == [(8, "markdown", 13), (17, "text", 19)]
    assert fences[0].body == "```python\n---\n```\n---\n"
    assert fences[1].body == "---\n" and fences[1].indent == "    "


def test_find_fences_info_and_body_for_custom_fences():
    text = deck("""
        ## Snap

        ```snapshot next_tokens
        prompt: "The cat sat on the"
        top: 10
        ```
        """)
    (fence,) = find_fences(text)
    assert (fence.line, fence.lang, fence.info) == (8, "snapshot", "next_tokens")
    assert fence.body == 'prompt: "The cat sat on the"\ntop: 10\n'


def test_dashes_right_after_a_table_row_do_not_split():
    text = deck("""
        ## Table

        | a | b |
        |---|---|
        | 1 | 2 |
        ---

        still the same slide
        """)
    d, rendered = render(text)
    assert len(d.slides) == 1
    assert "<table>" in rendered[0].html and "still the same slide" in rendered[0].html


def test_dashes_after_a_paragraph_line_with_a_pipe_split():
    """A `|` in running text (a shell pipe, an OR) does not make a table: the `---` after it starts a slide."""
    text = deck("""
        ## Pipes

        Count the words: `cat talk.md | wc -w`
        ---

        ## Next
        """)
    d, rendered = render(text)
    assert [s.heading for s in d.slides] == ["Pipes", "Next"]
    assert "wc -w" in rendered[0].html and "Next" not in rendered[0].html


def test_front_matter_dashes_are_not_slides():
    d = split_slides(deck("# Only\n"), "slides/demo.md")
    assert len(d.slides) == 1 and d.slides[0].line == 6


# -------------------------------------------------------------- notes

def test_notes_become_a_collapsed_details_block_then_an_aside_source():
    text = deck("""
        ## With notes

        Slide text.

        Note: first line of the notes
        more *notes*

        ```python
        x = 1  # code in notes
        ```

        ---

        ## Without notes
        """)
    d, rendered = render(text)
    assert d.slides[0].notes.startswith("first line of the notes\nmore *notes*")
    assert d.slides[0].notes_line == 10
    assert "Slide text." in d.slides[0].body and "first line" not in d.slides[0].body
    md = to_markdown(d)
    assert '??? note deck-notes "Speaker notes"' in md and "    more *notes*" in md
    first, second = rendered
    assert "<em>notes</em>" in first.notes_html and "code in notes" in first.notes_html
    assert "Speaker notes" not in first.html and "<summary>" not in first.notes_html
    assert second.notes_html == ""
    html = wrap_sections(rendered)
    assert '<details class="note deck-notes">' in html and "<details open" not in html  # collapsed


def test_note_inside_a_fence_is_code_not_notes():
    d = split_slides(deck("""
        ## Code

        ```text
        Note: this is code
        ```
        """), "slides/demo.md")
    assert d.slides[0].notes == "" and "Note: this is code" in d.slides[0].body


# -------------------------------------------------------------- HTML out

def test_sections_have_stable_unique_anchors():
    text = deck("""
        # Title

        ---

        ## Same

        ---

        ## Same

        ---

        no heading here
        """)
    _, rendered = render(text)
    assert [s.id for s in rendered] == ["slide-title", "slide-same", "slide-same_1", "slide-4"]
    html = wrap_sections(rendered)
    assert html.count('<section class="slide"') == 4
    assert '<section class="slide" id="slide-same" data-line="10">' in html


def test_admonition_and_table_render_inside_their_slide():
    text = deck("""
        ## One

        !!! tip "A tip"
            Body of the tip.

        ---

        ## Two

        | x | y |
        |---|---|
        | 1 | 2 |
        """)
    _, (one, two) = render(text)
    assert 'class="admonition tip"' in one.html and "<table>" in two.html and "<table>" not in one.html


def test_lost_markers_are_reported_at_the_slide_line():
    text = deck("""
        ## One

        <div markdown>
        unclosed

        ---

        ## Two
        """)
    d = split_slides(text, "slides/demo.md")
    html = markdown.markdown(to_markdown(d), extensions=EXTENSIONS)
    with pytest.raises(SlideError, match=r"^slides/demo.md:13: this slide's start was lost"):
        split_rendered(html, [s.line for s in d.slides], "slides/demo.md")


# -------------------------------------------------------------- errors with file:line

def test_unterminated_fence():
    err = error_of(deck("""
        ## Code

        ```python
        x = 1
        """))
    assert str(err).startswith("slides/demo.md:8: code fence ```python is never closed")
    assert "add a closing ``` line" in str(err)


def test_empty_slide():
    err = error_of(deck("""
        ## One

        ---

        ---

        ## Three
        """))
    assert str(err).startswith("slides/demo.md:8: empty slide after the `---` on line 8")
    assert "remove the extra `---`" in str(err)


def test_unknown_key_suggests_the_right_one():
    err = error_of("---\ntitle: T\nminuts: 5\norder: 1\n---\n# T\n")
    assert str(err).startswith("slides/demo.md:3: front matter: unknown option `minuts`; did you mean `minutes`?")


@pytest.mark.parametrize("front, line, words", [
    ("title: T\nminutes: five\norder: 1\n", 3, "option `minutes` is 'five'; it must be a number of minutes above 0"),
    ("title: T\nminutes: 5\norder: 1.5\n", 4, "option `order` is 1.5; it must be an integer"),
    ("title: [a, b]\nminutes: 5\norder: 1\n", 2, "option `title` is ['a', 'b']; it must be a string"),
    ("title: T\nminutes: 0\norder: 1\n", 3, "option `minutes` is 0; it must be a number of minutes above 0"),
    ("title: T\nminutes: 5\n", 4, "front matter: needs the option `order` (an integer"),
    ("title: T\nminutes: 5\norder: [1\n", 4, "not valid YAML"),
])
def test_bad_front_matter(front, line, words):
    err = error_of(f"---\n{front}---\n# T\n")
    assert err.line == line and words in str(err) and str(err).startswith(f"slides/demo.md:{line}: ")


def test_missing_and_unclosed_front_matter():
    assert "missing front matter" in str(error_of("# No front matter\n"))
    assert "never closed" in str(error_of("---\ntitle: T\n# T\n"))


def test_parse_front_matter_returns_where_the_body_starts():
    meta, body_start = parse_front_matter(FRONT + "# T\n")
    assert meta["title"] == "Demo deck" and body_start == 5
