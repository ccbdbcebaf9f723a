"""A tiny Markdown subset for the knowledge pages, safe by construction.

Everything staff type is HTML-escaped first; only these shapes become markup: ``#``/``##``/
``###`` headings, ``-`` or ``*`` bullet lists, ``1.`` numbered lists, ``**bold**`` and
``[text](link)`` where the link is http(s), a site path or a ``tel:`` number. No raw HTML,
no images, no attributes but ``href``: nothing a script can ride in on.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BOLD = re.compile(r"\*\*(.+?)\*\*")
LINK = re.compile(r"\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)")
SAFE_HREF = re.compile(r"^(https?://[^\s\"'<>]+|/[^\s\"'<>]*|tel:[0-9+\-]{3,20})$")


def _inline(text: str) -> str:
    html = escape(text)

    def link(m: re.Match) -> str:
        label, href = m.group(1), m.group(2)
        # The href was escaped with the text: &amp; is fine in an attribute, quotes cannot occur.
        if not SAFE_HREF.match(href.replace("&amp;", "&")):
            return label
        rel = ' rel="noopener noreferrer"' if href.startswith("http") else ""
        return f'<a href="{href}"{rel}>{label}</a>'

    html = LINK.sub(link, html)
    return BOLD.sub(r"<strong>\1</strong>", html)


def render(source: str) -> SafeString:
    out: list[str] = []
    para: list[str] = []
    list_tag = None

    def flush_para():
        if para:
            out.append("<p>" + "<br>".join(_inline(p) for p in para) + "</p>")
            para.clear()

    def close_list():
        nonlocal list_tag
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = None

    for raw in (source or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        heading = re.match(r"^(#{1,3})\s+(.*)$", line)
        bullet = re.match(r"^[-*]\s+(.*)$", line)
        number = re.match(r"^\d{1,3}[.、]\s*(.*)$", line)
        if not line:
            flush_para()
            close_list()
        elif heading:
            flush_para()
            close_list()
            level = len(heading.group(1)) + 1  # the page title is the h1
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or number:
            flush_para()
            tag = "ul" if bullet else "ol"
            if list_tag != tag:
                close_list()
                out.append(f"<{tag}>")
                list_tag = tag
            out.append(f"<li>{_inline((bullet or number).group(1))}</li>")
        else:
            close_list()
            para.append(line)
    flush_para()
    close_list()
    return mark_safe("\n".join(out))  # noqa: S308 - every piece of text was escaped above
