"""Web pages in (`core/webpage.py`, `readtui import`, `readtui page.html`): saved pages in the
shapes of news sites, blogs and magazines, pages served by a local http.server, hostile pages."""

from __future__ import annotations

import http.server
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readtui.core import webpage
from readtui.core.essay import load_essay, normalise_paragraph, parse_essay
from readtui.core.launch import prepare_session
from readtui.core.markdown import render_block
from tests.conftest import assert_refused, cli

PAGES = Path(__file__).parents[1] / "fixtures" / "pages"

# Each saved page: (title, author, date, the paragraphs the reader sees), checked by eye against the page.
EXPECTED = {
    "blog-post.html": (
        "Against reading lists",
        "Tom Alder",
        "2023-09-30",
        [
            "Every September the newspapers publish their lists of the hundred books you must read before you die. I have stopped reading them, and I think you should too.",
            "A list turns reading into a task to be completed. The pleasure of a book is in the hours spent with it, not in the tick beside its title. Three things happen when we read from a list:",
            "• we choose books for their reputation rather than our curiosity;\n• we finish books we would rather abandon;\n• we stop noticing what we actually enjoy.",
            "Italo Calvino put it better than I can:",
            "A classic is a book that has never finished saying what it has to say.",
            "If that is true, then no list can be finished either, and the honest thing is to admit that we read what finds us.",
        ],
    ),
    "essay.xhtml": (
        "On the uses of boredom",
        "R K Okafor",
        "2021-04-07",
        [
            "We treat boredom as a problem to be solved, usually with a screen. Yet boredom is where most of my ideas have come from, and I suspect the same is true of yours.",
            "A bored mind wanders, and a wandering mind makes connections that a busy one never would. The cost of never being bored is that we never have to think of something to do.",
            "So the next time you reach for your phone in a queue, try waiting instead. Notice what your mind does with the time.",
        ],
    ),
    "hostile.html": (
        "[b]Loud[/b] title [@click=app.quit]here[/]",
        "Mallory Evil; Red",
        "2020-01-01",
        [
            "This paragraph has [b]console markup[/b] and [@click=app.quit]an action link[/] that must stay literal, as must [link=https://evil.example]this[/link].",
            "Markdown too: *stars*, **double**, _under_score_, `code`, [a link](https://evil.example), <b>tags</b>, a backslash \\ and &amp; stay as they are.",
            "# Not a heading, even though it starts with a hash mark and keeps going for a while.",
            "- Not a list item either, though it starts with a dash and goes on for a while.",
            "1. Nor a numbered one; it starts with a number and a full stop and goes on.",
            "An escape sequence ␛[31mred␛[0m and a bell ␇ are shown, never obeyed by the terminal.",
        ],
    ),
    "magazine-longform.html": (
        "The quiet collapse of the village shop",
        "Eleanor Fisk",
        "2024-06-02",
        [
            "When the last shop closes, a village loses more than milk and stamps\nIn the spring of 2024 the shop at Little Wenham closed for the last time. It had sold bread, newspapers and paraffin for a hundred and twelve years.",
            "Nobody in the village would say they had let it die, but almost everyone had stopped using it. The supermarket delivery van now comes twice a day.",
            "What a shop is for\nA shop is a place where people who would never visit each other meet by accident. That is its real economic function, and it appears on no balance sheet.",
            "The parish council has proposed a community-owned shop, run by volunteers. Similar schemes have worked elsewhere; more than four hundred now trade in England.",
            "What comes next\nWhether Little Wenham can find the volunteers is another matter. The people with time to spare are, increasingly, the people who can no longer carry the shopping home.",
        ],
    ),
    "news-oped.html": (
        "The four-day week is a productivity trick, not a gift",
        "Priya Raman",
        "2025-02-11",
        [
            "Last month another two hundred British firms announced that they would move their staff to a four-day week without cutting pay. The announcement was greeted as a victory for workers, and the companies were praised for their generosity.",
            "But generosity has little to do with it. The firms that signed up are, almost without exception, ones that struggle to hire and struggle even more to keep the people they hire. A shorter week costs them far less than a pay rise would.",
            "The evidence from the pilot schemes is clear on one point: output per hour rose. What it is far less clear on is whether output per worker did. If the same work is squeezed into fewer days, the gift is mostly an intensification.",
            "None of this means the four-day week is a bad idea. It means we should call it what it is: a bargain struck between employers and employees, in which both sides expect to gain.",
        ],
    ),
    "newsletter.html": (
        "Notes on a slow internet",
        "Sam Ibarra",
        "2025-03-01",
        [
            "Why I turned my home connection down to 2 Mbps for a month\nIn January I asked my provider to cap my broadband at two megabits a second, which is roughly what I had in 2004.",
            "The first thing I noticed was how much of the web simply stopped working. Pages that are mostly text took twenty seconds to load, because the text arrives last.",
            "The second thing was that I read more. Not because I had more time, but because I stopped opening ten tabs at once.",
            "1. Email became something I did twice a day.\n2. Video became something I chose, not something that happened.",
            "I have since put the speed back up. But I kept the habit of waiting before I click.",
        ],
    ),
    "opinion-piece.html": (
        "Exams are not the enemy",
        "Daniel Osei",
        "2024-05-14",
        [
            "It has become fashionable to blame exams for everything that is wrong with schools. Pupils are anxious, teachers teach to the test, and creativity is squeezed out.",
            "Some of that is true. But the alternatives are worse. Coursework rewards the pupils whose parents have time to help, and teacher assessment rewards the pupils teachers like.",
            "An exam is the one moment when every candidate is treated the same: same paper, same time, same anonymous marker. That is not a small thing.",
            "We can make exams better — fewer of them, better designed, less dependent on memorising. What we should not do is abolish the fairest tool we have.",
        ],
    ),
    "tribune-latin.htm": (
        "Pour une école qui apprend à douter",
        "Hélène Côté-Müller",
        "2022-11-18",
        [
            "On demande à l’école de transmettre des certitudes : des dates, des règles, des méthodes. C’est nécessaire, mais ce n’est pas suffisant – loin de là.",
            "Un élève qui sait réciter ne sait pas pour autant distinguer une source fiable d’une rumeur. Or c’est précisément ce que réclame l’époque : apprendre à douter « avec méthode », comme disait Descartes.",
            "Je propose donc qu’une heure par semaine soit consacrée, dès le collège, à la lecture critique de la presse. Ni cours magistral ni exposé : une lecture lente, paragraphe par paragraphe.",
            "Ce serait là, me semble-t-il, l’œuvre la plus utile que l’école puisse accomplir en ce début de siècle.",
        ],
    ),
    "two-articles.html": (
        "We should stop building car parks",
        "Marcus Webb",
        "2024-01-20",
        [
            "Every new car park in the city centre is a promise that the traffic will keep coming. The council has made that promise four times in ten years.",
            "Each time, the traffic came. The car parks filled up within months, and the calls for another one began almost at once.",
            "If we want fewer cars in the centre, we have to stop building places to leave them. It really is that simple, and that hard.",
            "The land under the Market Street car park could hold two hundred homes. That is the choice in front of the council next month.",
        ],
    ),
}
# What must not come through: navigation, ads, banners, comments, related links, scripts, footers.
BOILERPLATE = {
    "news-oped.html": [
        "cookies",
        "Advertisement",
        "Sponsored",
        "More on this story",
        "Share on",
        "grumpyoldman",
        "Spot on",
        "©",
        "dataLayer",
    ],
    "blog-post.html": ["Posted in", "Previous:", "Marta", "Leave a Reply", "Recent posts", "WordPress"],
    "magazine-longform.html": [
        "Subscribe",
        "Issue 42",
        "Photograph",
        "meet by accident.”",
        "Parish, is out",
        "Sign up",
        "last pub",
    ],
    "tribune-latin.htm": ["Accueil", "Les plus lus", "Publicité", "Mentions légales", "professeure de philosophie"],
    "two-articles.html": ["Buses are the answer", "Ana Lopes", "Independent local news"],
    "essay.xhtml": ["Skip to content", "reader-supported", "Donate"],
    "opinion-piece.html": ["Sign in", "newsletter", "headteacher in Leeds", "Most read", "Rail strike", "Topics:"],
    "newsletter.html": ["reader-supported", "Subscribe", "Restack", "Discussion", "Loved this", "Privacy"],
    "hostile.html": ["Home"],
}
SITES = {
    "news-oped.html": "The Northern Courier",
    "blog-post.html": "Slow Margins",
    "magazine-longform.html": "Hedgerow Review",
    "tribune-latin.htm": "Le Quotidien du Sud",
    "two-articles.html": "City Ledger",
    "essay.xhtml": "The Long Table",
    "opinion-piece.html": "Metro Herald",
    "newsletter.html": "Dial-up Dispatch",
}


def front_matter(path: Path) -> dict:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8").split("+++\n")[1])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_saved_page_becomes_its_article(tmp_path: Path, name: str) -> None:
    title, author, date, paragraphs = EXPECTED[name]
    out = tmp_path / "essay.md"
    imported = webpage.import_page(str(PAGES / name), out=out, timeout=5)
    assert imported.written and imported.path == out
    essay = load_essay(out)
    assert (essay.title, essay.author, essay.date) == (title, author, date)
    assert list(essay.paragraphs) == paragraphs
    text = "\n".join(essay.paragraphs)
    assert [words for words in BOILERPLATE[name] if words in text] == []
    meta = front_matter(out)
    assert meta.get("site") == SITES.get(name)
    assert meta["source"] == str(PAGES / name)
    assert meta["imported_with"].startswith("trafilatura 2.3.")


def test_web_page_complete_with_its_files_folder(tmp_path: Path) -> None:
    """A page saved with "Web page, complete" (its _files/ folder beside it) imports next to itself."""
    import shutil

    shutil.copy(PAGES / "opinion-piece.html", tmp_path)
    shutil.copytree(PAGES / "opinion-piece_files", tmp_path / "opinion-piece_files")
    result = cli("import", tmp_path / "opinion-piece.html")
    assert result.exit_code == 0, result.output
    out = tmp_path / "opinion-piece.md"
    assert result.stdout == f'Imported "Exams are not the enemy" (4 paragraphs) to {out}\n'
    assert front_matter(out)["url"] == "https://www.metroherald.example/opinion/2024/05/exams-are-not-the-enemy"


def test_markup_markdown_and_escape_sequences_stay_literal(tmp_path: Path) -> None:
    out = tmp_path / "hostile.md"
    webpage.import_page(str(PAGES / "hostile.html"), out=out, timeout=5)
    essay = load_essay(out)
    assert essay.title == "[b]Loud[/b] title [@click=app.quit]here[/]"
    assert essay.paragraphs[0] == (
        "This paragraph has [b]console markup[/b] and [@click=app.quit]an action link[/] that must stay "
        "literal, as must [link=https://evil.example]this[/link]."
    )
    assert essay.paragraphs[1] == (
        "Markdown too: *stars*, **double**, _under_score_, `code`, [a link](https://evil.example), "
        "<b>tags</b>, a backslash \\ and &amp; stay as they are."
    )
    assert essay.paragraphs[2].startswith("# Not a heading")
    assert essay.paragraphs[3].startswith("- Not a list item")
    assert essay.paragraphs[4].startswith("1. Nor a numbered one")
    assert (
        essay.paragraphs[5] == "An escape sequence ␛[31mred␛[0m and a bell ␇ are shown, never obeyed by the terminal."
    )
    assert all(essay.paragraph_spans(n) == () for n in range(len(essay.paragraphs)))
    assert "\x1b" not in out.read_text(encoding="utf-8")


@given(st.text(alphabet=st.sampled_from(list("ab 1.)#>-+=*_`\\[]<>!&~|:é\t")), max_size=30))
def test_escaped_text_renders_as_itself(text: str) -> None:
    """Whatever an article's line holds, the essay shows it as it is: a paragraph, a list item, a quote."""
    line = normalise_paragraph(text)
    if not line:
        return
    escaped = webpage.escape_markdown(line)
    assert render_block(escaped, normalise_paragraph) == (line, ())
    assert render_block("- " + escaped, normalise_paragraph)[0] == "• " + line
    assert render_block("> " + escaped, normalise_paragraph)[0] == line
    assert list(parse_essay("+++\ntitle = 't'\n+++\n\n" + escaped, markdown=True).paragraphs) == [line]


def test_inline_markup_line_breaks_nested_lists_and_empty_headings() -> None:
    """Links and bold leave their words in place; <br> is a space; a nested list is indented; a
    heading with no letter or digit is not kept."""
    long = "with more text, enough for the extractor to keep it as a paragraph of the article"
    html = (
        f"<html><body><article><p>See <a href='/r'>the report</a>, page <b>3</b>. And <em>this</em>!<br>Next, {long}.</p>"
        f"<ul><li>One <b>item</b>, here<ul><li>nested</li></ul></li><li>Two</li></ul>"
        f"<h2>***</h2><h2>Part 2</h2><p>Final words, {long}.</p></article></body></html>"
    )
    article = webpage.extract_article(html, "page.html")
    essay = parse_essay(webpage.article_markdown(article, "page.html"), markdown=True)
    assert list(essay.paragraphs) == [
        f"See the report, page 3. And this! Next, {long}.",
        "• One item, here\n◦ nested\n• Two",
        f"Part 2\nFinal words, {long}.",
    ]


def test_front_matter_round_trips_exactly() -> None:
    article = webpage.Article(
        ["x" * 90], title='A "quoted" title \\ with +++ and # and ---', author="O'Brien: [b]x[/b]", date="2024-01-02"
    )
    essay = parse_essay(webpage.article_markdown(article, "page.html"), markdown=True)
    assert (essay.title, essay.author, essay.date) == (article.title, article.author, article.date)


# --- failures: one line, exit 2, nothing written -----------------------------------------------


def refused(tmp_path: Path, source: str | Path, expected: str, *args: str) -> None:
    before = sorted(tmp_path.iterdir())
    result = cli("import", source, "--out", tmp_path / "out.md", *args)
    assert_refused(result, str(source), expected)
    assert len(result.stderr.splitlines()) == 1
    assert sorted(tmp_path.iterdir()) == before


def test_a_script_loader_has_no_article(tmp_path: Path) -> None:
    refused(tmp_path, PAGES / "script-loader.html", "no article text found")


def test_a_charset_that_does_not_decode(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(b'<html><head><meta charset="utf-8"></head><body><p>Caf\xe9 ' + b"x" * 200 + b"</p></body></html>")
    refused(tmp_path, page, "not valid utf-8")
    page.write_bytes(b'<html><head><meta charset="x-klingon"></head><body><p>Hi</p></body></html>')
    refused(tmp_path, page, "unknown charset 'x-klingon'")


def test_encoding_reads_a_page_that_declares_no_charset(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    html = (PAGES / "tribune-latin.htm").read_bytes().replace(b"; charset=windows-1252", b"")
    page.write_bytes(html)
    refused(tmp_path, page, "not valid utf-8 (try --encoding)")
    result = cli("import", page, "--encoding", "cp1252")
    assert result.exit_code == 0, result.output
    assert list(load_essay(tmp_path / "page.md").paragraphs) == EXPECTED["tribune-latin.htm"][3]


def test_a_binary_file_named_html(tmp_path: Path) -> None:
    page = tmp_path / "photo.html"
    page.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 4)
    refused(tmp_path, page, "not a web page: binary data")


def test_a_huge_page(tmp_path: Path) -> None:
    page = tmp_path / "huge.html"
    page.write_bytes(b"<html><body>" + b"<p>" + b"word " * (webpage.MAX_PAGE_BYTES // 5) + b"</p></body></html>")
    refused(tmp_path, page, "page too large")


def test_a_long_article_under_the_limit_is_imported_whole(tmp_path: Path) -> None:
    paragraphs = [f"Paragraph {n} says something about the matter at hand, at some length." for n in range(2000)]
    page = tmp_path / "long.html"
    page.write_text("<html><body><article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")
    webpage.import_page(str(page), out=tmp_path / "long.md", timeout=5)
    assert list(load_essay(tmp_path / "long.md").paragraphs) == paragraphs


# --- where the essay goes -----------------------------------------------------------------------


def test_the_essay_goes_beside_the_page_and_never_over_a_different_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes((PAGES / "two-articles.html").read_bytes())
    first = cli("import", page)
    assert first.stdout == f'Imported "We should stop building car parks" (4 paragraphs) to {tmp_path / "page.md"}\n'
    again = cli("import", page)
    assert (
        again.stdout
        == f'Already imported: "We should stop building car parks" (4 paragraphs) in {tmp_path / "page.md"}\n'
    )
    (tmp_path / "page.md").write_text("My own notes\n\nKeep these.\n")
    third = cli("import", page)
    assert third.exit_code == 0
    assert third.stdout.endswith(f"to {tmp_path / 'page-2.md'} ({tmp_path / 'page.md'} exists and differs)\n")
    assert (tmp_path / "page.md").read_text() == "My own notes\n\nKeep these.\n"
    refused_out = cli("import", page, "--out", tmp_path / "page.md")
    assert_refused(refused_out, tmp_path / "page.md", "already exists and differs")
    assert (tmp_path / "page.md").read_text() == "My own notes\n\nKeep these.\n"


def test_readtui_page_html_reads_the_imported_essay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`readtui page.html` imports, then opens the imported essay (the assessment refers to it)."""
    import readtui.cli.reading

    page = tmp_path / "oped.html"
    page.write_bytes((PAGES / "news-oped.html").read_bytes())
    opened = []
    monkeypatch.setattr(readtui.cli.reading, "run_reading", lambda essay_path, **options: opened.append(essay_path))
    result = cli(page)
    assert result.exit_code == 0, result.output
    assert opened == [tmp_path / "oped.md"]
    prepared = prepare_session(opened[0], checklist_spec=None, reader="r", out=tmp_path / "a.toml")
    try:
        essay = prepared.session.assessment.essay
        assert (essay.title, essay.author, essay.date) == (
            "The four-day week is a productivity trick, not a gift",
            "Priya Raman",
            "2025-02-11",
        )
        assert essay.source == "oped.md"
        assert prepared.essay_path == tmp_path / "oped.md"
    finally:
        prepared.close()


def test_readtui_page_html_without_an_article_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import readtui.cli.reading

    monkeypatch.setattr(readtui.cli.reading, "run_reading", lambda essay_path, **options: None)  # never the app
    page = tmp_path / "app.html"
    page.write_bytes((PAGES / "script-loader.html").read_bytes())
    result = cli(page)
    assert_refused(result, page, "no article text found")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["app.html"]


# --- URLs, served by a local http.server ---------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        path = self.path
        if path == "/opinion/four-day-week":
            self.reply(200, "text/html; charset=utf-8", (PAGES / "news-oped.html").read_bytes())
        elif path == "/moved":
            self.redirect("/opinion/four-day-week")
        elif path.startswith("/loop"):
            self.redirect("/loop-a" if path == "/loop-b" else "/loop-b")
        elif path == "/file":
            self.redirect("file:///etc/passwd")
        elif path == "/pdf":
            self.reply(200, "application/pdf", b"%PDF-1.7\n" + b"x" * 100)
        elif path == "/binary":
            self.reply(200, "text/html", b"\x7fELF\x02\x01\x01\0\0\0" + bytes(range(256)))
        elif path == "/latin":
            self.reply(200, "text/html; charset=shift_jis", b"<html><body><p>\x82\xa0 \xff\xff</p></body></html>")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(webpage.MAX_PAGE_BYTES // 65536 + 2):
                self.wfile.write(b"<p>" + b"x" * 65536 + b"</p>")
        elif path == "/slow":
            time.sleep(3)
            self.reply(200, "text/html", b"<p>late</p>")
        else:
            self.reply(404, "text/html", b"<h1>Not found</h1>")

    def reply(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """Say nothing of a client that hung up (the time-out and size-limit tests do): it
        would print a traceback on sys.stderr seconds later, into another test's output."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_a_url_is_fetched_and_imported_after_a_redirect(tmp_path: Path, server: str, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("import", f"{server}/moved")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == 'Imported "The four-day week is a productivity trick, not a gift" (4 paragraphs) to moved.md\n'
    )
    essay = load_essay(tmp_path / "moved.md")
    assert essay.author == "Priya Raman"
    assert list(essay.paragraphs) == EXPECTED["news-oped.html"][3]
    assert front_matter(tmp_path / "moved.md")["source"] == f"{server}/moved"


def test_readtui_url_reads_the_imported_essay(tmp_path: Path, server: str, monkeypatch) -> None:
    import readtui.cli.reading

    monkeypatch.chdir(tmp_path)
    opened = []
    monkeypatch.setattr(readtui.cli.reading, "run_reading", lambda essay_path, **options: opened.append(essay_path))
    result = cli(f"{server}/opinion/four-day-week")
    assert result.exit_code == 0, result.output
    assert opened == [Path("four-day-week.md")]
    assert load_essay(tmp_path / "four-day-week.md").title == "The four-day week is a productivity trick, not a gift"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/loop-a", "too many redirects"),
        ("/file", "redirected to a non-web address"),
        ("/pdf", "not a web page: the server sent application/pdf"),
        ("/binary", "not a web page: binary data"),
        ("/latin", "not valid shift_jis"),
        ("/huge", "page too large"),
        ("/missing", "HTTP error 404"),
    ],
)
def test_a_url_that_cannot_be_imported(tmp_path: Path, server: str, path: str, expected: str) -> None:
    refused(tmp_path, f"{server}{path}", expected)


def test_a_url_that_times_out(tmp_path: Path, server: str) -> None:
    refused(tmp_path, f"{server}/slow", "timed out after 0.5 s", "--timeout", "0.5")


def test_only_web_addresses(tmp_path: Path) -> None:
    refused(tmp_path, "ftp://example.com/page.html", "only http:// and https:// addresses can be imported")


def test_nothing_listens(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    refused(tmp_path, f"http://127.0.0.1:{port}/x", "could not fetch")
