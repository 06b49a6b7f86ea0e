"""Machinery of the stored-XSS crawl (tests/test_xss_crawl.py, SECURITY.md
check 24): payloads that make script execution observable, seeding them
through the real forms, and a browser crawl that checks every page for
dialogs, ``window.__xss``, CSP violations and markup made from a payload.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlencode, urlsplit

from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Error as PlaywrightError

from tests.htmlform import form_data, max_lengths, parse, text_fields
from tests.matrix import ADMIN, admin_values, build_url, expand, load_table, resolve_sample
from tests.test_payloads import DATES, FORMS, MARKUP, PAYLOADS

# Each of these runs script (sets window.__xss or opens a dialog) if it ever
# reaches the page as markup, in a text node, a quoted or unquoted attribute,
# a textarea, the title or a link.
OBSERVABLE = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=1">',
    "javascript:window.__xss=1",
    "<svg onload=alert(1)>",
    "'><svg/onload=window.__xss=1>",
    '" autofocus onfocus="window.__xss=1" x="',
    "' autofocus onfocus='window.__xss=1' x='",
    "</textarea></title><script>window.__xss=1</script>",
    '<a href="javascript:window.__xss=1">click me</a>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
]
CORPUS = PAYLOADS + OBSERVABLE
# Payloads every field accepts: used for the last save of each form, one
# payload per field, so that the record pages show several at once.
MIXED = OBSERVABLE + MARKUP
# Raw-HTML fragments that only a payload that escaped escaping can produce.
LIVE_FRAGMENTS = [
    "<script>window.__xss",
    "<script>alert",
    "<script>parent.__xss",
    "<img src=x",
    "<svg onload",
    "<svg/onload",
    "<iframe srcdoc",
    '<a href="javascript:',
    'href="javascript:',
    "href='javascript:",
    '" autofocus onfocus="',
    "' autofocus onfocus='",
]

# Text inputs that take a format rather than free text: contact details and
# a session's start time (names containing these words).
NOT_FREE_TEXT = ("email", "phone", "start", "postcode")


@dataclass(frozen=True)
class Form:
    persona: str
    name: str  # the url name of the form page
    attr: str  # the world.own sample the form is about, or a key of TARGETS
    pages: tuple[str, ...]  # url names of pages of the record that show what it saved
    create: bool = False  # a create form: blank dates and choices filled in
    skip: tuple[str, ...] = ()  # text inputs that are not free text
    record: str = ""  # the world.own sample the pages are about, when not attr


# Records that are not a family's: edited by the administrator in the admin.
TARGETS = {
    "team": lambda world: world.teams[0],
    "school": lambda world: world.schools[0],
    "case_manager_user": lambda world: world.users["case_manager"],
}


def target(world, attr: str):
    return TARGETS[attr](world) if attr in TARGETS else getattr(world.own, attr)


# The forms of tests/test_payloads.py, plus the other record forms with free
# text that the world reaches, and the admin's forms for what every page
# names: the team, the school and the case manager.
FORMS_ALL = [Form(p, n, a, tuple(pages), n == "cases:record-views") for p, n, a, pages in FORMS] + [
    Form("case_manager", "cases:session-edit", "session", ("cases:case-detail",), record="case"),
    Form("case_manager", "orders:order-edit", "order", ("orders:order-detail",)),
    Form(
        "case_manager",
        "orders:requirement-edit",
        "requirement",
        ("orders:order-detail",),
        record="order",
    ),
    Form("case_manager", "orders:session-record", "order", ("orders:order-detail",), create=True),
    Form("victim_worker", "victims:edit-rj-work", "rj_work", ()),
    Form("victim_worker", "victims:record-update", "victim", ("victims:detail",), create=True),
    Form("victim_worker", "victims:record-contact", "victim", ("victims:detail",), create=True),
    Form("administrator", "admin:yos_team_change", "team", ("admin:yos_team_history",)),
    Form("administrator", "admin:yos_school_change", "school", ("admin:yos_school_history",)),
    Form(
        "administrator",
        "admin:yos_user_change",
        "case_manager_user",
        ("admin:yos_user_history",),
        skip=("username", "date_joined", "last_login"),
    ),
]


# --- Hypothesis text ---------------------------------------------------------------

# Any character a form keeps (not NUL, no surrogates), with markup characters
# and fragments drawn often.
_CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
_MARKUP_TOKENS = st.sampled_from(
    ["<", ">", "&", '"', "'", "</", "<b>", "&amp;", "&#x3c;", "<!--", "]]>", "javascript:", "on"]
)
TEXT = st.one_of(
    st.text(_CHARS, min_size=1, max_size=40),
    st.lists(st.one_of(_MARKUP_TOKENS, st.text(_CHARS, max_size=3)), min_size=1, max_size=12).map(
        "".join
    ),
).filter(lambda s: s.strip())


def hypothesis_texts(n: int = 8) -> list[str]:
    """n + 2 strings from TEXT, the same on every run (derandomized, no
    example database), the first two fixed."""
    drawn: list[str] = []

    @settings(
        derandomize=True,
        database=None,
        max_examples=n,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @example("<scr<script>ipt>window.__xss=1</scr</script>ipt>")
    @example("&lt;b&gt; &amp;amp; \"q\" 'q' \u202eabc")
    @given(TEXT)
    def draw(value):
        drawn.append(value)

    draw()
    return list(dict.fromkeys(drawn))[: n + 2]


def as_html_text(value: str) -> str:
    """value as a browser's text content shows it (the parser turns CR and
    CRLF into LF)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


# --- Seeding through the forms -----------------------------------------------------


def _fill_blanks(data: dict, html: str) -> None:
    """What a user must fill in on a create form: blank dates (today), and
    the first option of each radio group or select left unset."""
    today = timezone.localdate()
    parts = {"_0": str(today.day), "_1": str(today.month), "_2": str(today.year)}
    for key in list(data):
        for suffix, value in parts.items():
            if key.endswith(suffix) and data[key] == "":
                data[key] = value
    for name, options in parse(html).options.items():
        if data.get(name) in (None, "", []):
            chosen = [o for o in options if o]
            if chosen:
                data[name] = chosen[0]


def post_form(client, url: str, values, *, create=False, skip=(), extra=None):
    """GET the form, put values(i) into its i-th free-text field (cut at the
    field's maxlength, as a browser would), POST it; returns the response."""
    html = client.get(url).content.decode()
    fields = [
        f
        for f in text_fields(html)
        if not any(w in f for w in NOT_FREE_TEXT) and not f.startswith(skip)
    ]
    assert fields, f"{url} has no free-text field"
    data = form_data(html)
    limits = max_lengths(html)
    for i, name in enumerate(fields):
        value = values(i)
        data[name] = value[: limits.get(name, len(value))]
    if create:
        _fill_blanks(data, html)
    data.update(extra or {})
    return client.post(url, data)


@dataclass
class Seeded:
    saves: dict = field(default_factory=dict)  # form name → saved posts
    # persona → path → (any or all, strings): what the page's text must show
    expected: dict = field(default_factory=dict)
    hypothesis: list = field(default_factory=list)  # the child's first names as stored
    searches: list = field(default_factory=list)  # find-a-child URLs that list the child


def seed(world, client) -> Seeded:
    """Every corpus payload into every free-text field of every form (one
    save each, so history pages show them all), then one save per form with a
    different payload in each field, then the Hypothesis strings, one save
    each, into the child's first name."""
    out = Seeded()
    for k, form in enumerate(FORMS_ALL):
        client.force_login(world.users[form.persona])
        url = reverse(form.name, args=[target(world, form.attr).pk])
        options = {"create": form.create, "skip": form.skip, "extra": DATES.get(form.name)}
        saved = 0
        for payload in CORPUS:
            response = post_form(client, url, lambda _i, p=payload: p, **options)
            assert response.status_code in (200, 302, 400), (form.name, payload[:30])
            saved += response.status_code == 302
        response = post_form(client, url, lambda i, k=k: MIXED[(i + k) % len(MIXED)], **options)
        assert response.status_code == 302, f"{form.name}: the mixed save was refused"
        out.saves[form.name] = saved + 1
        record = target(world, form.record or form.attr)
        pages = out.expected.setdefault(form.persona, {})
        pages.update({reverse(n, args=[record.pk]): (any, MIXED) for n in form.pages})

    child = world.own.child
    client.force_login(world.users["case_manager"])
    url = reverse("cases:edit-child", args=[child.pk])
    for text in hypothesis_texts():
        html = client.get(url).content.decode()
        data = form_data(html)
        data["first_name"] = text[: max_lengths(html).get("first_name", len(text))]
        response = client.post(url, data)
        assert response.status_code == 302, f"first name {text!r} refused"
        child.refresh_from_db()
        out.hypothesis.append(child.first_name)
    name = as_html_text(child.first_name)
    for term in (child.last_name, child.first_name):  # a payload; a Hypothesis string
        search = f"{reverse('cases:find-child')}?{urlencode({'q': term[:100]})}"
        out.searches.append(search)
        for persona in ("case_manager", "supervisor"):
            out.expected.setdefault(persona, {})[search] = (all, [name])
    history = reverse("cases:child-history", args=[child.pk])
    out.expected["case_manager"][history] = (all, [as_html_text(t) for t in out.hypothesis])
    return out


# --- The crawl --------------------------------------------------------------------

# Set before any page script: CSP violation events of the document.
INIT_SCRIPT = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""

# What the page holds that only a payload could have made, and which of the
# needles its text content holds.
PROBE = """
(needles) => {
  const found = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster'];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on')) found.push(`${el.tagName} ${n}=${a.value}`);
      if (urlAttrs.includes(n) && /^\\s*javascript:/i.test(a.value))
        found.push(`${el.tagName} ${n}=${a.value}`);
    }
  }
  for (const el of document.querySelectorAll('img[src="x"], iframe, object, embed, base'))
    found.push(el.outerHTML.slice(0, 120));
  for (const s of document.scripts)
    if (/__xss|alert\\(/.test(s.textContent)) found.push('script: ' + s.textContent.slice(0, 80));
  // The text a reader sees: text nodes outside script, style and template.
  const parts = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest('script, style, template, noscript')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  while (walker.nextNode()) parts.push(walker.currentNode.data);
  const text = parts.join('');
  return {
    xss: typeof window.__xss !== 'undefined' || typeof window.parent.__xss !== 'undefined',
    csp: window.__csp || ['init script did not run'],
    found,
    shown: needles.map(n => text.includes(n)),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  };
}
"""

SHOWN = "window.__xss=1"  # in most payloads: the page shows one as text

# Sign-out ends the session, the two-factor set-up page makes a device when
# read; neither they nor the password reset pages show a record.
SKIP_PREFIXES = ("/sign-out/", "/sign-in/", "/two-factor/", "/password-reset/", "/static/")
PER_KIND = 2  # pages of one kind reached by following links (other records alike)
# Attachments: checked with the request API, never rendered.
DOWNLOAD_TYPES = ("application/pdf", "text/csv", "application/zip")


def matrix_paths(world, persona: str) -> list[str]:
    """Every GET URL of tests/access_matrix.yaml that answers persona 200
    (but those under SKIP_PREFIXES)."""
    paths = []
    for route, row in load_table().items():
        for label, spec in row["samples"].items():
            code = expand(row["GET"][label], [persona])[persona]
            if code != 200:
                continue
            values = admin_values(world, route) if route.startswith(ADMIN) else None
            path = build_url(route, values or resolve_sample(world, spec))
            if not path.startswith(SKIP_PREFIXES):
                paths.append(path)
    return list(dict.fromkeys(paths))


def url_kind(path: str) -> tuple:
    """(url name, non-numeric arguments): the same kind of page about another
    record has the same kind (a list's key is part of it, a pk is not)."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return (path,)
    return (match.view_name, *(v for v in match.kwargs.values() if not str(v).isdigit()))


def is_download(path: str) -> bool:
    return "download" in url_kind(path)[0]


@dataclass
class Visit:
    pages: int = 0
    downloads: int = 0
    showing_payload: int = 0
    paths: list = field(default_factory=list)  # pages visited, in order
    checked: set = field(default_factory=set)  # paths whose expected text was checked
    problems: list = field(default_factory=list)


def crawl(context, origin: str, start: list[str], *, cap: int, expected: dict) -> Visit:
    """Visit start (in order), then same-origin links breadth first, up to cap
    pages. expected: path → (any or all, strings): the page's text content
    must hold any or all of the strings. Problems are (path, kind, detail)."""
    visit = Visit()
    page = context.new_page()
    dialogs: list[str] = []
    console: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    page.on("console", lambda m: console.append(m.text) if "Content Security" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    queue = deque(start)
    queued = {urlsplit(p).path for p in start}
    kinds = Counter(url_kind(p) for p in start)
    while queue and visit.pages < cap:
        path = queue.popleft()
        if is_download(path):
            _check_download(context, origin + path, path, visit)
            continue
        dialogs.clear()
        console.clear()
        errors.clear()
        try:
            response = page.goto(origin + path, wait_until="load")
        except PlaywrightError as error:  # an attachment under another name
            if "Download is starting" not in str(error):
                raise
            _check_download(context, origin + path, path, visit)
            continue
        visit.pages += 1
        visit.paths.append(path)
        quantifier, texts = expected.get(path, (any, []))
        probe = page.evaluate(PROBE, [SHOWN, *texts])
        problems = [(path, "status", response.status)] if response.status != 200 else []
        problems += [(path, "dialog", d) for d in dialogs]
        problems += [(path, "window.__xss", "set")] if probe["xss"] else []
        problems += [(path, "csp", directive) for directive in dict.fromkeys(probe["csp"])]
        if console and not probe["csp"]:  # a violation the event did not report
            problems.append((path, "console", console[0]))
        problems += [(path, "script error", e) for e in errors]
        problems += [(path, "payload markup", f) for f in dict.fromkeys(probe["found"])]
        raw = response.text().lower()
        problems += [(path, "unescaped", f) for f in LIVE_FRAGMENTS if f.lower() in raw]
        visit.showing_payload += probe["shown"][0]
        if path in expected:
            visit.checked.add(path)
            if not quantifier(probe["shown"][1:]):
                missing = [t for t, ok in zip(texts, probe["shown"][1:], strict=True) if not ok]
                problems.append((path, "not shown as text", missing[:3]))
        visit.problems += problems
        for href in probe["links"]:
            link, _fragment = urldefrag(href)
            if not link.startswith(origin + "/"):
                continue
            relative = link[len(origin) :]
            where = urlsplit(relative).path
            if where in queued or where.startswith(SKIP_PREFIXES) or where.startswith("/" + ADMIN):
                continue  # seen; no record to show; the admin's own links
            kind = url_kind(relative)
            if kinds[kind] >= PER_KIND:
                continue
            kinds[kind] += 1
            queued.add(where)
            queue.append(relative)
    page.close()
    return visit


def _check_download(context, url: str, path: str, visit: Visit) -> None:
    response = context.request.get(url)
    visit.downloads += 1
    kind = response.headers.get("content-type", "")
    disposition = response.headers.get("content-disposition", "")
    if response.status != 200:
        visit.problems.append((path, "download status", response.status))
    elif not kind.startswith(DOWNLOAD_TYPES) or not disposition.startswith("attachment"):
        visit.problems.append((path, "download served as", f"{kind!r}, {disposition!r}"))
    elif response.headers.get("x-content-type-options") != "nosniff":
        visit.problems.append((path, "download without nosniff", kind))
