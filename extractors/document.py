"""Document fields (guide §4): province, doc_type, doc_number and issued date.

Official texts carry a header (`Số: 1914/KH-UBND`, `Hải Dương, ngày 05 tháng 6 năm 2023`);
news articles name the document in a lead sentence (`UBND tỉnh ban hành Kế hoạch số
698/KH-UBND ...`).  Documents that are only cited (`Căn cứ Quyết định số 411/QĐ-TTg`,
`Kế hoạch thực hiện Quyết định số 1087`) are not the document the text is about.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import regex

from extractors.lexicon import FLAGS, Lexicon, fold, splits_old_tone, template
from extractors.pattern_shape import casefolded
from extractors.search_at import at_line_starts, matches_at, opens_at_line_start, runs_holding
from extractors.trie import name_starts

# A full number with its issuer code (`215/KH-UBND`, `51-NQ/TU`, `942/ QĐ-TTg` with a stray
# space): counts with or without `số` (guide §4); a bare ordinal (`Nghị quyết 111`) does not.
FULL_NUMBER = r"\d{1,5}(?:/\s(?=(?-i:[A-ZĐ]))|[-/])(?=[\wĐđ.\-/]*(?-i:[A-ZĐ]))[\wĐđ]+(?:[-/.][\wĐđ]+)*"
# Words live in `lexicon/fragments.yaml` (each with examples run through the pattern that uses it);
# the shapes, digits and look-arounds stay here.
HEADER_NUMBER_RE = regex.compile(template(r"(?m)^\s*\|?\s*{NUMBER_WORD}\s*:\s*(?P<num>\d{1,5}/[\wĐđ.\-]+)"), FLAGS)
# `ngày 5 tháng 6 năm 2023`
DATE_WORDS_RE = regex.compile(
    template(r"{DAY_NOUN}\s+(?P<d>\d{1,2})\s+{MONTH_NOUN}\s+(?P<m>\d{1,2})\s+{YEAR_NOUN}\s+(?P<y>\d{4})"), FLAGS
)
HEADER_DATE_RE = regex.compile(r"(?m)^[^\n]{0,40}?,\s*" + DATE_WORDS_RE.pattern, FLAGS)
ISSUE_VERBS = template(r"{ISSUE_VERB}")
# National documents: their numbers end in a national issuer's code.
NATIONAL_CODES = regex.compile(r"[-/](?:TTg|CP|TW|QH\d*|B[A-ZĐ]{2,}[A-ZĐ]*)\b")
# A provincial body or the province as a whole: the text is not a national document.
PROVINCIAL_CUES = regex.compile(template(r"{PROVINCIAL_BODY}\s+{PROVINCE_LEVEL}|{PROVINCIAL_WORD}"), FLAGS)
# Words just before a document that cite it rather than issue it (`Căn cứ Quyết định số …`).
CITED_BEFORE = regex.compile(template(r"{CITING_WORD}\s*$"), FLAGS)
# Words before a document that name it as the source of the targets (`theo Kế hoạch số …`).
NAMED_BY = regex.compile(template(r"{SOURCE_CITE}\s+"), FLAGS)
CITED_AT_END = regex.compile(template(r"{SOURCE_CITE}\s*$"), FLAGS)
# After a document noun, words that make it a named document (`Kế hoạch này`, `Kế hoạch chuyển đổi số`).
TITLED = regex.compile(template(r"\s+{DOC_TITLE_WORD}|\s*[“\"]|\s+(?P<w>\w)"), FLAGS)
# The comma after these opens a sentence whose subject may be the document (`Theo đó, Kế hoạch …`).
SUBJECT_LEAD = regex.compile(template(r"{DOC_SUBJECT_MARKER},\s{1,3}"), FLAGS)
# What a decision does to the document it names (`Quyết định … phê duyệt Kế hoạch …`, `… về việc …`).
APPROVES = regex.compile(template(r"[^.;\n]{0,60}?{APPROVE_VERB}\s+[“\"]?"), FLAGS)
DECIDES_ON = regex.compile(template(r"[^.;\n]{0,60}?(?:{APPROVE_VERB}|{DECISION_ABOUT})\s+[“\"]?"), FLAGS)
# A national resolution by its code or its bare number (`-NQ/TW`, `Nghị quyết 57`).
NATIONAL_RESOLUTION = regex.compile(template(r"-NQ/TW|{RESOLUTION_NOUN}\s+\d+\b"), FLAGS)
DATE_SLASH_RE = regex.compile(r"(?<!\d)(?P<d>\d{1,2})[/.](?P<m>\d{1,2})(?:[/.](?P<y>\d{4}))?(?![\d/])")
DATE_HYPHEN_RE = regex.compile(r"(?<![\d-])(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4})(?![\d-])")
# The number of a document just before a date: the date is that document's.
# (`Chỉ thị số 05/CT-TTg ngày …`, `Nghị quyết số 12-NQ/TU ngày …`)
CITED_NUMBER_BEFORE = regex.compile(
    r"(?P<num>\d{1,5}/\s?[\wĐđ.\-/]+|" + FULL_NUMBER + template(r")\s*,?\s*(?:{DAY_NOUN}\s*)?$"), FLAGS
)
_SPACES = regex.compile(r"\s+")
_WORD_NEXT = regex.compile(r"\s+\w")  # a word follows the document noun: it names a document
PAGE_YEAR_RE = regex.compile(r"(?<!\d)\d{1,2}/\d{1,2}/(?P<y>(?:19|20)\d\d)(?!\d)|date\s+(?P<y2>(?:19|20)\d\d)-\d\d")


@dataclass(frozen=True)
class DocumentFields:
    province: str | None
    doc_type: str | None
    doc_number: str | None
    issued: dt.date | None
    national: bool
    year: int | None  # issued, else the page's date: the present the text speaks from


def _date(d: str, m: str, y: str | None, default_year: int | None) -> dt.date | None:
    year = int(y) if y else default_year
    if year is None:
        return None
    try:
        return dt.date(year, int(m), int(d))
    except ValueError:
        return None


@lru_cache(maxsize=4)
def _name_starts(lex: Lexicon) -> re.Pattern[str]:
    """Where one of `lex.province_re`'s names can begin (`trie.name_starts`): its tree, tried at
    every character by `regex` ignoring case, was a third of `find_fields`."""
    return name_starts(lex.province_canon)


def province_starts(folded: str, lex: Lexicon) -> list[int] | None:
    """Every offset of `folded` (a text folded with `lexicon.fold`) where one of `lex.province_re`'s
    names can begin, sorted; None when case-folding the text would move its offsets (`İ`): then
    only a scan finds them. Found once per text, `province_re` is tried there alone."""
    cased = casefolded(folded)
    if cased is None:
        return None
    return [m.start() for m in _name_starts(lex).finditer(cased)]


def province_matches(folded: str, lex: Lexicon) -> Iterator[regex.Match[str]]:
    """`lex.province_re.finditer(folded)`, tried only where a name begins (`province_starts`)."""
    starts = province_starts(folded, lex)
    if starts is None:
        return lex.province_re.finditer(folded)
    return matches_at(lex.province_re, folded, starts)


def find_province(text: str, lex: Lexicon, folded: str | None = None) -> str | None:
    """The province named most often near the start (title and lead weigh double).

    `folded` is `fold(text)` when the caller has it (`find_fields` folds a document once).
    """
    if folded is None:
        folded = fold(text)
    counts: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for m in province_matches(folded, lex):
        canon = lex.province_canon.get(_SPACES.sub(" ", m.group(1)))
        if canon is None:
            continue
        counts[canon] += 2 if m.start() < 600 else 1
        spelled.setdefault(canon, text[m.start(1) : m.end(1)])
    if not counts:
        return None
    best = counts.most_common(1)[0][0]
    name = spelled[best]
    if best == "Hồ Chí Minh" and name == "Hồ Chí Minh":
        return "TP Hồ Chí Minh"
    if best == "Thừa Thiên Huế" or best == "Huế":
        return name.replace(" - ", " ")
    return name


@lru_cache(maxsize=4)
def _doc_types(lex: Lexicon) -> tuple[dict[str, str], list[regex.Pattern[str]]]:
    """The document kinds by folded lower-case name, and each kind's words alone (for `_kind_starts`)."""
    names: dict[str, str] = {}
    for d in lex.doctypes:
        names.setdefault(fold(d.name).lower(), d.name)
    # the words as `words_pattern` writes them, without the word boundaries: a literal the engine finds fast
    words = [regex.compile(regex.escape(d.name).replace(r"\ ", r"\s+"), FLAGS) for d in lex.doctypes]
    return names, words


def _doc_type_at(lex: Lexicon, text: str) -> str | None:
    m = lex.doctype_re.search(text)
    return _doc_types(lex)[0].get(_SPACES.sub(" ", fold(m.group(0)).lower())) if m else None


def _kind_starts(lex: Lexicon, text: str) -> list[int]:
    """Every offset of `text` where a document kind (`lex.doctype_re`) matches, in order.

    Each kind's words are found alone (overlapping ones too), then checked with `doctype_re`:
    the alternation of all kinds with their word boundaries is slow to try at every character.
    """
    found = {m.start() for p in _doc_types(lex)[1] for m in p.finditer(text, overlapped=True)}
    return [k for k in sorted(found) if lex.doctype_re.match(text, k)]


@dataclass(frozen=True)
class _Named:
    doc_type: str | None
    number: str | None
    issued: dt.date | None
    pos: int
    how: str  # the kind of mention (`_mention_patterns`): issue, named, carried, implemented, subject


def _titled(text: str, end: int) -> bool:
    """A document noun followed by its name: `này`, `chuyển đổi số`, a capital or a quote.

    Checked case-sensitively in Python: the lexicon's IGNORECASE flag makes `\\p{Lu}` match
    any letter, which once let `tại nghị quyết của …` pass as a titled document.
    """
    m = TITLED.match(text[end : end + 40])
    return bool(m and (m["w"] is None or m["w"].isupper()))


def _dates_in(text: str, start: int, end: int, own_number: str | None, page_year: int | None) -> list[tuple[int, dt.date]]:
    """Dates in text[start:end] (`ngày 5 tháng 6 năm 2023`, `5/6/2023`, `9-4-2026`), with their offsets.

    A date right after another document's number (`Chỉ thị số 05/CT-TTg ngày 21-2-2026`) is
    that document's date, not the issue date (D3).
    """
    out: list[tuple[int, dt.date]] = []
    for pattern in (DATE_WORDS_RE, DATE_SLASH_RE, DATE_HYPHEN_RE):
        for dm in pattern.finditer(text, start, end):
            before = text[max(start, dm.start() - 40) : dm.start()]
            cited = CITED_NUMBER_BEFORE.search(before)
            if cited and (own_number is None or cited["num"].replace(" ", "") != own_number.replace(" ", "")):
                continue
            date = _date(dm["d"], dm["m"], dm.groupdict().get("y"), page_year)
            if date is not None:
                out.append((dm.start(), date))
    return sorted(out)


@dataclass(frozen=True)
class _Mention:
    """One way a news text names its own document (`_mention_patterns`)."""

    how: str  # issue, named, carried, implemented, subject
    pattern: regex.Pattern[str]
    lead: str  # the pattern up to the document's kind (its number, after it, is optional)
    at_kind: bool  # only look-behinds stand before the kind: a match opens at the kind


@lru_cache(maxsize=4)
def _mention_patterns(lex: Lexicon) -> list[_Mention]:
    """The ways a news text names its own document."""
    kind = r"(?P<type>" + lex.doctype_re.pattern + r")"
    number = lex.template(
        r"(?:(?:\s+\p{Ll}+){0,2}?\s+{NUMBER_WORD}\s*(?P<num>" + FULL_NUMBER + r")"
        r"|\s+{NUMBER_WORD}\s*(?P<num2>\d{1,5})(?=\s|,|\.|$)"
        r"|\s+(?P<num3>" + FULL_NUMBER + r")"
        r"|\s+(?P<bare>\d{1,4})(?=\s))?"
    )
    def cues(cue_kind: str) -> str:
        return "|".join(f"(?:{c.pattern.rstrip('$').rstrip()})" for c in lex.cues if c.kind == cue_kind)

    leads = [
        ("issue", ISSUE_VERBS + r"\s+", False),
        ("named", NAMED_BY.pattern, False),
        ("carried", r"(?:" + cues("doc_carried_out") + r")\s*", False),
        ("implemented", r"(?:" + cues("doc_implemented") + r")\s*", False),
        ("subject", r"(?:^|(?<=[.!?:]\s{1,3})|(?<=\n)|(?<=" + SUBJECT_LEAD.pattern + "))", True),
    ]
    return [_Mention(how, regex.compile(lead + kind + number, FLAGS), lead + kind, at) for how, lead, at in leads]


# The tokens of a pattern that matches words and spaces only (letters, `\s`, groups, quantifiers,
# word boundaries): its matches lie inside one run of word characters and spaces.
_WORDS_ONLY = regex.compile(r"(?:\\[sbw]|\(\?<!\\w\)|\(\?!\\w\)|\(\?:|\(\?P<\w+>|[)|?+*]|\{\d*,?\d*\}|[^\W\d_]|\s)*")
_WORDS_RUN_BREAK = regex.compile(r"[^\w\s]")


@lru_cache(maxsize=16)
def _lead_in_words(lead: str) -> regex.Pattern[str] | None:
    """`lead` compiled, when its matches hold only words and spaces (`_WORDS_ONLY`), else None."""
    return regex.compile(lead, FLAGS) if _WORDS_ONLY.fullmatch(lead) else None


def word_runs(head: str, kinds: list[int]) -> list[tuple[int, int]]:
    """The runs of words and spaces of `head` that hold a document kind (at `kinds`), for `_mentions`."""
    return list(runs_holding(head, kinds, _WORDS_RUN_BREAK))


def _mentions(
    mention: _Mention, head: str, kinds: list[int], runs: list[tuple[int, int]] | None = None
) -> Iterator[regex.Match[str]]:
    """`mention.pattern.finditer(head)`, searched only where a document kind (at `kinds`) can be part of a match.

    A pattern opening at the kind (`subject`: look-behinds only before it) is tried at each
    kind. One whose part up to the kind holds only words and spaces (`ban hành Kế hoạch`,
    `theo Kế hoạch`, the cues' words) lies inside one run of words and spaces: the runs holding
    a kind (`runs`: `word_runs(head, kinds)`, found once for every mention pattern) are searched
    for that part, and the whole pattern is matched where it starts. Any other pattern is
    searched in the whole head.
    """
    if mention.at_kind:
        yield from matches_at(mention.pattern, head, kinds)
        return
    lead = _lead_in_words(mention.lead)
    if lead is None:
        yield from mention.pattern.finditer(head)
        return
    done = 0
    for start, end in word_runs(head, kinds) if runs is None else runs:
        while (found := lead.search(head, max(done, start), end)) is not None:
            m = mention.pattern.match(head, found.start())
            if m is None:  # never with the lexicon's patterns, whose rest is optional (tests/test_pass_shortcuts.py
                # checks it); another pattern is read as finditer reads it: on from the next offset
                done = found.start() + 1
                continue
            yield m
            done = m.end()


@lru_cache(maxsize=4)
def _approved(lex: Lexicon) -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """What a decision (`DECIDES_ON`) or another document (`APPROVES`) approves, up to that document's kind."""
    kind = r"(?P<t2>" + lex.doctype_re.pattern + r")"
    return regex.compile(DECIDES_ON.pattern + kind, FLAGS), regex.compile(APPROVES.pattern + kind, FLAGS)


def _issuing_mentions(text: str, lex: Lexicon, page_year: int | None, national: bool = False) -> list[_Named]:
    """Documents named as issued, carried out or as the source of the targets, cited ones left out.

    A national document's own `…/QĐ-TTg` number is its own (D1); in a provincial text such a
    number is a citation of the nation's document.
    """
    found: list[_Named] = []
    head = text[:6000]
    kinds = _kind_starts(lex, head)
    runs = word_runs(head, kinds)
    decides_on, approves = _approved(lex)
    for mention in _mention_patterns(lex):
        how = mention.how
        for m in _mentions(mention, head, kinds, runs):
            num = m["num"] or m["num2"] or m["num3"] or None
            if num and not national and NATIONAL_CODES.search(num):
                continue
            if how not in ("carried", "implemented") and CITED_BEFORE.search(text, max(0, m.start() - 40), m.start()):
                continue
            if lex.cue("doc_generic", text, max(0, m.start("type") - 60), m.start("type")):
                continue  # "các sở, ngành đều có kế hoạch …": any body's plan (D7)
            if how == "subject" and not lex.cue("doc_subject_verb", text[m.end() : m.end() + 60]):
                continue
            lower = m["type"][0].islower()
            if how == "named" and lower and not num and not _titled(text, m.end()):
                continue  # "tại chương trình." is an event; a document is capitalised, numbered or titled
            if how in ("issue", "carried", "implemented") and not num and not _WORD_NEXT.match(text[m.end() : m.end() + 3]):
                continue  # "thời điểm ban hành kế hoạch.": the act of planning, no document named
            doc_type = _doc_type_at(lex, m["type"])
            follow = text[m.end() : m.end() + 160]
            approved = (decides_on if doc_type == "Quyết định" else approves).match(follow)
            if approved:
                doc_type = _doc_type_at(lex, approved["t2"])  # a decision approving a plan gives the plan (D1-a)
            sent_start = max(text.rfind("\n", 0, m.start()), text.rfind(". ", 0, m.start())) + 1
            dates = _dates_in(text, sent_start, min(len(text), m.end() + 40), num, page_year)
            issued = dates[0][1] if dates else None
            found.append(_Named(doc_type, num.strip().rstrip(".") if num else None, issued, m.start(), how))
    if any(n.how in ("issue", "named", "carried") for n in found):
        # a document the text's subject works to carry out is its own only when no other is
        # issued or named (`Nhằm thực hiện Nghị quyết …, UBND tỉnh ban hành Kế hoạch …` is the Kế hoạch)
        found = [n for n in found if n.how != "implemented"]
    return sorted(found, key=lambda n: n.pos)


def line_cue(lex: Lexicon, kind: str, text: str) -> tuple[str, regex.Match[str]] | None:
    """`lex.cue(kind, text)` for a kind of lines (every entry opening with `(?m)^`), tried at line starts only.

    Why: a search of the whole text tries each entry at every character; a portal's metadata
    line (`Số hiệu văn bản: …`) can only start a line. Entries that open otherwise are searched by `lex.cue`.
    """
    entries = lex.cue_entries.get(kind, ())
    if not all(opens_at_line_start(pattern) for _, pattern in entries):
        return lex.cue(kind, text)
    for entry_id, pattern in entries:
        m = next(at_line_starts(pattern, text), None)
        if m is not None:
            return entry_id, m
    return None


def _metadata(text: str, lex: Lexicon) -> tuple[str | None, dt.date | None]:
    """A portal's metadata lines (`Số hiệu văn bản: 77/KH-UBND`, `Ngày ban hành: 05-03-2026`)."""
    hn = line_cue(lex, "doc_metadata_number", text)
    hd = line_cue(lex, "doc_metadata_date", text)
    number = hn[1]["num"].strip() if hn else None
    issued = _date(hd[1]["d"], hd[1]["m"], hd[1]["y"], None) if hd else None
    return number, issued


def find_page_year(text: str) -> int | None:
    """The year of the first date near the top (a page's dateline): the text's present."""
    pm = PAGE_YEAR_RE.search(text[:800])
    return int(pm["y"] or pm["y2"]) if pm else None


def find_document(
    text: str, lex: Lexicon, page_year: int | None = None, national: bool = False
) -> tuple[str | None, str | None, dt.date | None]:
    """(doc_type, doc_number, issued) of the document the text is about.

    `page_year` completes dates written without a year (`Ngày 27.9`); `national` says the
    text is a national document, whose own `…/QĐ-TTg` number is not a citation.
    Metadata lines (`Số hiệu văn bản: …`) give the number and date when the text has them.
    """
    doc_type, number, issued = _find_document(text, lex, page_year, national)
    meta_number, meta_issued = _metadata(text, lex)
    return doc_type or (_code_type(meta_number, lex) if meta_number else None), meta_number or number, meta_issued or issued


def header_number(text: str) -> regex.Match[str] | None:
    """`HEADER_NUMBER_RE.search(text[:3000])`, tried at line starts only (where its `(?m)^` lets a match open)."""
    return next(at_line_starts(HEADER_NUMBER_RE, text[:3000]), None)


def _find_document(
    text: str, lex: Lexicon, page_year: int | None, national: bool
) -> tuple[str | None, str | None, dt.date | None]:
    # 1. an official header
    hn = header_number(text)
    if hn:
        after = text[hn.end() : hn.end() + 800]
        doc_type = None
        for line in after.split("\n"):
            if line.strip() and line.strip().upper() == line.strip() and lex.doctype_re.search(line):
                doc_type = _doc_type_at(lex, line)
                break
        doc_type = doc_type or _code_type(hn["num"], lex)
        hd = HEADER_DATE_RE.search(text[: hn.end() + 600])
        issued = _date(hd["d"], hd["m"], hd["y"], None) if hd else None
        return doc_type, hn["num"].strip(), issued
    # 2. sentences that issue the document or name it as the source of the targets
    named = _issuing_mentions(text, lex, page_year, national)
    if named:
        doc_type = named[0].doc_type
        same = [n for n in named if n.doc_type == doc_type] or named
        number = next((n.number for n in same if n.number), None)
        issued = next((n.issued for n in same if n.issued and (n.number == number or n.number is None)), None)
        return doc_type, number, issued
    # 3. the opening line names it (and is not citing it)
    title = text.split("\n", 1)[0]
    for m in lex.doctype_re.finditer(title):
        if CITED_BEFORE.search(title, 0, m.start()) or CITED_AT_END.search(title, 0, m.start()):
            continue
        if not national and NATIONAL_CODES.search(title[m.end() : m.end() + 30]):
            continue
        if lex.cue("doc_generic", title, max(0, m.start() - 60), m.start()):
            continue
        if not _WORD_NEXT.match(title[m.end() : m.end() + 3]):
            continue  # "… thời điểm ban hành kế hoạch.": no document named
        return _doc_type_at(lex, m.group(0)), None, None
    return None, None, None


def _code_type(number: str, lex: Lexicon) -> str | None:
    for d in lex.doctypes:
        if regex.search(r"/" + regex.escape(d.code) + r"\b", number, FLAGS):
            return d.name
    return None


def is_national(text: str, lex: Lexicon, province: str | None, folded: str | None = None) -> bool:
    """A national document: issued by a national body, and about no province.

    `folded` is `fold(text)` when the caller has it: the head's folding is its slice, unless the
    head's end cuts an old-tone pair (`lexicon.splits_old_tone`).
    """
    head = text[:1500]
    if province is not None and fold(province) in _folded_head(text, head, folded):
        return False
    if PROVINCIAL_CUES.search(text):
        return False
    return bool(lex.national_re.search(head) or NATIONAL_RESOLUTION.search(head))


def _folded_head(text: str, head: str, folded: str | None) -> str:
    """`fold(head)` for `head` a start of `text`, sliced from `folded` (`fold(text)`) where that is the same."""
    if folded is None or splits_old_tone(text, len(head)):
        return fold(head)
    return folded[: len(head)]


def find_fields(text: str, lex: Lexicon) -> DocumentFields:
    """All document fields of a normalised text."""
    folded = fold(text)  # for the province names, once
    province = find_province(text, lex, folded)
    national = is_national(text, lex, province, folded)
    page_year = find_page_year(text)
    doc_type, number, issued = find_document(text, lex, page_year, national)
    return DocumentFields(
        province="Việt Nam" if national else province,
        doc_type=doc_type,
        doc_number=number,
        issued=issued,
        national=national,
        year=issued.year if issued else page_year,
    )
