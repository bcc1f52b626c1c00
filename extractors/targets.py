"""Target statements: each value with its comparator, direction, scope, indicator,
deadline year, pillar and provenance (labelling guide §1–3).

The work is clause-local: a value's clause is cut between it and its neighbours, the
words before it give the comparator and direction, the words around it give the
indicator and scope, and `context.py` gives the year and pillar.  Lists are handled
as the guide asks: one record per scope, a leading comparator distributed over the
list, an elided indicator inherited from its neighbour, restatements merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from extractors.context import DocContext, build_context, open_paren, pillar_in_clause, resolve_year
from extractors.filters import IN_HEADING, RESTATEMENT, Site, first_verdict
from extractors.lexicon import FLAGS, Lexicon, fold, get_lexicon, template
from extractors.nlp import phrase_doc, phrase_tokens
from extractors.numbers import Mention, find_mentions
from extractors.overlap import indicator_overlap, syllables
from extractors.types import Drop, Extraction

_SPLIT_DELIMS = regex.compile(r":|,|;|\(|\s+và\s+|\s+hoặc\s+|\s+-\s+", FLAGS)
_LINK_VERB = regex.compile(template(r"{LINK_VERB}\s*$"), FLAGS)
_HAVE_VERB = regex.compile(template(r"(?<!\w){HAVE_VERB}\s*$"), FLAGS)
_CUT_BEFORE = regex.compile(
    template(
        r":|(?<!\w)(?:{YEAR_PREP})?\s*(?:năm|giai\s+đoạn)\s+(?:\d{4}\s*[-–—]\s*)?\d{4}\s*,"
        r"|{DISCOURSE_MARKER}\s*,"
        r"|{AIM_LEAD}"
    ),
    FLAGS,
)
_YEAR_PHRASE = regex.compile(
    template(r"(?<!\w)(?:(?:{YEAR_PREP}|{DEADLINE_BEFORE})\s+)?(?:năm|giai\s+đoạn)\s+(?:\d{4}\s*[-–—]\s*)?\d{4}(?!\d)"),
    FLAGS,
)
_OWN_VERB = regex.compile(r"(?<!\w)(?:đạt|là|chiếm|bằng)(?!\w)", FLAGS)
_PER_YEAR = regex.compile(r"^\s*/\s*năm\b", FLAGS)
_PARENS = regex.compile(r"\([^()]*\)")
_OBJECT_OF_SHARE = regex.compile(r"^\s*(?:GRDP|GDP|tổng\s+mức\s+bán\s+lẻ|tổng\s+sản\s+phẩm)", FLAGS)


@dataclass
class Candidate:
    """A target before validation: plain fields plus where it came from."""

    value: float
    value_max: float | None
    unit: str
    comparator: str
    direction: str
    indicator: str
    scope: str | None
    deadline_year: int | None
    pillar: str | None
    achieved: bool
    quote: str
    start: int
    end: int
    sentence: str
    year_source: str = ""
    cmp_from_word: bool = False
    list_item: bool = False
    clause_start: int = 0
    tail: str = ""
    paragraph_start: int = 0
    uncarried_year: int | None = None
    pillar_source: str = ""  # "section" (heading, lead-in, topic), "clause" or "" (guide §3 pillar)
    nested: bool = False  # inside a parenthesis opened after an earlier value of its clause
    mention: Mention | None = None  # the number this record reads (provenance, not output)
    rules: dict[str, str] = field(default_factory=dict)  # field -> id of the rule that set it


def _strip_scopes(text: str, spans: list[tuple[int, int]], offset: int) -> str:
    out = []
    pos = 0
    for s, e in spans:
        s -= offset
        e -= offset
        if e <= 0 or s >= len(text):
            continue
        out.append(text[pos : max(s, 0)])
        pos = max(pos, e)
    out.append(text[pos:])
    return " ".join("".join(out).split())


def _strip_ends(text: str, lex: Lexicon) -> str:
    for pattern in lex.drop_anywhere:
        text = pattern.sub(" ", text)
    text = " ".join(text.split())
    changed = True
    while changed and text:
        changed = False
        for pattern in lex.strip_left:
            new = pattern.sub("", text, count=1).strip()
            if new != text:
                text, changed = new, True
        for pattern in lex.strip_right:
            new = pattern.sub("", text, count=1).strip()
            if new != text:
                text, changed = new, True
    return text


def _comparator_before(
    left: str, lex: Lexicon, mention: Mention, rules: dict[str, str] | None = None
) -> tuple[str | None, str, str]:
    """(comparator or None, direction, left with those words removed); `rules` gets the entry ids that set them."""
    comparator: str | None = None
    direction = "level"
    rules = rules if rules is not None else {}
    text = left.rstrip()
    for _ in range(4):
        text = text.rstrip(" (")
        hit = False
        found = lex.comparator_before(text)  # the longest comparator word over all entries
        if found:
            cmp, entry, at = found
            # with a range, "từ" opens the range ("từ 25% - 30%"): not a floor (comparators.yaml ge_from)
            if not (entry == "ge_from" and mention.value_max is not None) and comparator is None:
                comparator, rules["comparator"] = cmp, entry
            text, hit = text[:at].rstrip(), True
        m = _LINK_VERB.search(text)
        if m:
            if comparator is None:
                comparator, rules["comparator"] = "=", "LINK_VERB"
            text, hit = text[: m.start()].rstrip(), True
        for pattern, dirn in lex.direction_before:
            m = pattern.search(text)
            if m:
                if direction == "level":
                    direction = dirn
                    rules["direction"] = lex.direction_ids[dirn]
                text, hit = text[: m.start()].rstrip(), True
                break
        # `ít nhất có 4 doanh nghiệp`: a verb of having between the comparator word and the number
        m = _HAVE_VERB.search(text) if not hit else None
        if m and lex.comparator_before(text[: m.start()].rstrip()):
            text, hit = text[: m.start()].rstrip(), True
        if not hit:
            break
    return comparator, direction, text


def _strip_comparators(left: str, lex: Lexicon) -> str:
    """`left` without the comparator words just before the value."""
    text = left.rstrip()
    while (found := lex.comparator_before(text)) is not None:
        text = text[: found[2]].rstrip()
    return text


# `… được triển khai đồng bộ và có ít nhất 85% văn bản`: `và` + a verb of having opens the value's
# own predicate; what stands before it is another clause, not the indicator (unseen-errors T6).
_AND_HAVE = regex.compile(template(r"(?<!\w)và\s+(?={HAVE_VERB}\s+(?:{COMPARATOR_BEFORE}\s*)?$)"), FLAGS)


def _cut_leadin(left: str) -> int:
    """Offset in `left` after its last lead-in (year, pillar heading, discourse marker)."""
    cut = 0
    for m in _CUT_BEFORE.finditer(left):
        cut = m.end()
    m = _AND_HAVE.search(left, cut)
    return m.end() if m else cut


_LINK_AT_END = regex.compile(
    template(r"(?:{LINK_VERB}|{CHANGE_VERB})(?:\s*\(?\s*(?:{AVERAGE}|{COMPARATOR_BEFORE}))*\s*$"), FLAGS
)
_CONJ_ONLY = regex.compile(r"^(?:[\s,;:.\-–—•*+]|(?<!\w)(?:và|hoặc|với)(?!\w))*$", FLAGS)
_RANK_LEAD = regex.compile(
    r"(?:(?<!\w)(?:nằm|đứng|vào|lọt|duy\s+trì|đưa(?:\s+tỉnh)?\s+vào)\s*)?(?:(?<!\w)(?:một|1)\s+)?(?:(?<!\w)(?:trong|thuộc)\s*)?(?:(?<!\w)nhóm\s*)?(?:(?<!\w)(?:top|tốp)\s*)?$",
    FLAGS,
)
_COMMA_OR_COLON = regex.compile(r"[,:]")
# An annual rate ("tăng 1-2 bậc theo từng năm", "7%/năm") runs to the end of the period
# its own clause states ("..., bảo đảm đến năm 2030 ...").
_ANNUAL = regex.compile(r"(?<!\w)(?:theo\s+từng\s+năm|hằng\s+năm|hàng\s+năm|mỗi\s+năm)(?!\w)|/\s*năm\b", FLAGS)
_RANK_GROUP = regex.compile(
    r"^\s*(?:(?:tỉnh|thành\s+phố|thành|địa\s+phương|nước|quốc\s+gia)\s*[/,]?\s*)+\)?\s*$", FLAGS
)
_LOCATIVE = regex.compile(r"\s(?:tại|ở|trên\s+địa\s+bàn)\s", FLAGS)
# A comparator after the value ("50% trở lên"), within 30 characters, not an age ("15 tuổi trở lên").
_AFTER_WORD = regex.compile(template(r"^[^,;]{0,30}?(?<!{AGE_NOUN}\s)(?P<w>{COMPARATOR_AFTER})"), FLAGS)
_AFTER_AT_START = regex.compile(template(r"^\s*{COMPARATOR_AFTER}"), FLAGS)
_TWO_SHARES = regex.compile(r"^(?P<a>.+?\btrong\b.+?),\s+(?P<b>[^,]+?\btrong\b[^,]+)$", FLAGS)
_DIGITAL_ECONOMY = "kinh tế số"


def _split_between(text: str, a_end: int, b_start: int) -> tuple[int, bool]:
    """Where one value's share of a clause ends and the next one's begins.

    Returns the split offset and whether a colon introduced the next values (a breakdown).
    Before a value with its own linking verb ("X đạt 80%, Y đạt 70%") the first delimiter
    separates them, so the next value keeps its whole subject; before a bare list item
    ("90% hồ sơ cấp tỉnh, 80% hồ sơ cấp huyện", "phủ 100% khu vực dân cư sinh sống,
    làm việc và trên 60% hộ gia đình") the last one does.
    """
    delims = list(_SPLIT_DELIMS.finditer(text, a_end, b_start))
    if not delims:
        return b_start, False
    colon = [d for d in delims if d.group(0) == ":"]
    if colon:
        return colon[-1].end(), True
    chosen = delims[0] if _LINK_AT_END.search(text, a_end, b_start) else delims[-1]
    return chosen.end(), False


# POS tagging costs about a millisecond per word, and a value's right part can run to a whole
# bounded sentence (2,000 characters) in unpunctuated text; the readings that use tags look at
# a phrase's first words, so only its first words are tagged (bench/extract_scaling.py).
MAX_TAGGED_CHARS = 400


def _word_spans(phrase: str) -> list[tuple[int, int, str]]:
    """(start, end, POS) of the first words of `phrase`, from its spaCy Doc (underthesea inside)."""
    if len(phrase) > MAX_TAGGED_CHARS:
        cut = phrase.rfind(" ", 0, MAX_TAGGED_CHARS)
        phrase = phrase[: cut if cut > 0 else MAX_TAGGED_CHARS]
    return [(t.idx, t.idx + len(t.text), t.tag_) for t in phrase_doc(phrase) if not t.is_space]


def _cut_new_clause(right: str, lex: Lexicon) -> str:
    """Stop a value's right part where a comma opens a new clause (a clause-opening word)."""
    if "," not in right:
        return right
    words = [t for t in phrase_tokens(right) if not t.is_space]
    for k, token in enumerate(words[:-1]):
        if token.text != ",":
            continue
        one = words[k + 1].text.lower()
        two = " ".join(t.text.lower() for t in words[k + 1 : k + 3])
        if one in lex.clause_openers or two in lex.clause_openers:
            return right[: token.idx]
    return right


def _split_coordinated(right: str, lex: Lexicon) -> tuple[str, str] | None:
    """`cơ sở y tế hỗ trợ X và thực hiện Y` → two measures sharing one value (guide §2).

    Only a noun subject followed by two verb phrases of three words or more, joined by
    `và` with no comma before it, is split; a coordinated verb list (`số hóa, ký số và lưu trữ`)
    is one measure.
    """
    m = regex.search(r"\s+và\s+", right)
    if m is None or "," in right[: m.start()]:
        return None
    before, after = right[: m.start()], right[m.end() :]
    tags_before = _word_spans(before)
    tags_after = _word_spans(after)
    if len(tags_before) < 3 or len(tags_after) < 3 or tags_after[0][2] != "V":
        return None
    if after.lower().startswith(tuple(lex.clause_openers)):
        return None
    first_verb = next((k for k, (_, _, tag) in enumerate(tags_before) if tag == "V"), None)
    if first_verb is None or first_verb == 0 or tags_before[0][2] != "N":
        return None
    subject = before[: tags_before[first_verb][0]].strip()
    return before.strip(), f"{subject} {after.strip()}"


def _has_verb(phrase: str) -> bool:
    """A verb other than `có`/`là`: the phrase states something of its own."""
    if not phrase.strip():
        return False
    return any(tag == "V" and phrase[s:e].lower() not in ("có", "là") for s, e, tag in _word_spans(phrase))


def _strip_provinces(text: str, lex: Lexicon) -> str:
    folded = fold(text)
    m = regex.match(r"\s*(?:(?:tỉnh|thành\s+phố|tp\.?)\s+)?", folded, FLAGS)
    rest = folded[m.end() :] if m else folded
    pm = lex.province_re.match(rest)
    if pm:
        return text[len(folded) - len(rest) + pm.end() :].strip()
    return text


def _clean_right(right: str, lex: Lexicon, unit: str) -> str:
    """The words after a value that can belong to its indicator."""
    right = _PER_YEAR.sub("", right)
    right = _YEAR_PHRASE.sub(" ", right)
    right = _PARENS.sub(" ", right)
    right = _AFTER_AT_START.sub("", right)
    if unit == "rank" and _RANK_GROUP.match(right):
        return ""  # "17-19 tỉnh/thành phố": the places ranked, not what is measured
    if unit == "count":
        loc = _LOCATIVE.search(right)
        if loc:
            right = right[: loc.start()]
    return _strip_ends(right, lex)


def _build_indicator(left: str, right: str, lex: Lexicon, share_verb: bool, unit: str) -> str:
    left = _YEAR_PHRASE.sub(" ", left)
    right = _clean_right(right, lex, unit)
    if right:
        left = left.rsplit(",", 1)[-1]
    left = _strip_provinces(_strip_ends(left, lex), lex)
    if unit == "rank":
        left = _RANK_LEAD.sub("", left).strip()
    left = _strip_ends(left, lex)
    bare_left = regex.sub(r"^(?:tỷ\s+trọng|tỷ\s+lệ)\s*", "", left, flags=FLAGS).strip()
    if _OBJECT_OF_SHARE.match(right) and (share_verb or not bare_left):
        subject = bare_left or _DIGITAL_ECONOMY
        obj = regex.sub(r"\s+của\s+(?:tỉnh|thành\s+phố|cả\s+nước)\b.*$", "", right, flags=FLAGS)
        return f"{subject} trong {obj}"
    return " ".join(p for p in (left, right) if p)


@dataclass
class _Segment:
    """A value's share of its clause, with what was read from it."""

    start: int
    left_raw: str
    comparator: str | None
    direction: str
    left_core: str
    bare: bool
    has_subject: bool
    share_verb: bool
    rules: dict[str, str]  # field -> rule id of what this segment read


def _open_list_paren(text: str, start: int, value: int) -> int | None:
    """After a `(` still open at the value that starts a list item of three words or more."""
    depth_open: list[int] = []
    for i in range(start, value):
        if text[i] == "(":
            depth_open.append(i)
        elif text[i] == ")" and depth_open:
            depth_open.pop()
    if not depth_open:
        return None
    after = depth_open[-1] + 1
    return after if len(text[after:value].split()) >= 3 else None


def _before_unmatched_close(right: str) -> str:
    """A value inside parentheses ends at the `)` that closes them."""
    depth = 0
    for i, ch in enumerate(right):
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return right[:i].rstrip()
            depth -= 1
    return right


def _segment(ctx: DocContext, lex: Lexicon, m: Mention, seg_start: int) -> _Segment:
    text = ctx.text
    for b in ctx.boundaries_between(seg_start, m.start):
        if b.cuts and seg_start <= b.pos < m.start:
            stop = _COMMA_OR_COLON.search(text, b.pos, m.start)
            if stop:
                seg_start = stop.end()
    cut = _cut_leadin(text[seg_start : m.start])
    seg_start += cut
    opened = _open_list_paren(text, seg_start, m.start)
    if opened is not None:
        seg_start = opened  # "3 chỉ tiêu về KTS (tỷ trọng KTS … đạt 8%; …)": the lead stays outside (L3)
    left_raw = text[seg_start : m.start]
    rules: dict[str, str] = {}
    comparator, direction, left_core = _comparator_before(left_raw, lex, m, rules)
    share_verb = bool(regex.search(r"(?:chiếm|đóng\s+góp)\s*(?:\S+\s*)?$", left_raw, FLAGS))
    return _Segment(
        start=seg_start,
        left_raw=left_raw,
        comparator=comparator,
        direction=direction,
        left_core=left_core,
        bare=bool(_CONJ_ONLY.match(_strip_comparators(left_raw, lex))),
        has_subject=bool(_strip_ends(_YEAR_PHRASE.sub(" ", left_core), lex)),
        share_verb=share_verb,
        rules=rules,
    )


def extract_candidates(
    text: str,
    lex: Lexicon | None = None,
    national: bool = False,
    province: str | None = None,
    doc_year: int | None = None,
) -> list[Candidate]:
    """Every target statement of a normalised document, in text order (see `extract`)."""
    return list(extract(text, lex, national=national, province=province, doc_year=doc_year).candidates)


def extract(
    text: str,
    lex: Lexicon | None = None,
    national: bool = False,
    province: str | None = None,
    doc_year: int | None = None,
) -> Extraction:
    """Every target statement of a normalised document, and every number dropped with its rule.

    `doc_year` is the year the document was issued or published, when known: a value
    stated for an earlier year is a result reported, not a commitment (guide §1).
    """
    lex = lex or get_lexicon()
    found = find_mentions(text, lex)
    ctx = build_context(text, lex, [m.start for m in found])
    drops: list[Drop] = [
        Drop(m, IN_HEADING, "a number in a heading line names a section, not a target")
        for m in found
        if ctx.is_heading(m.start)
    ]
    mentions = [m for m in found if not ctx.is_heading(m.start)]
    out: list[Candidate] = []
    next_start: int | None = None
    prev_phrase = ""  # subject and verb of the previous value-with-object, for elided verbs
    for i, m in enumerate(mentions):
        cs, ce = ctx.clause_of(m.start)
        seg_start = next_start if next_start is not None and next_start >= cs else cs
        if seg_start == cs:
            prev_phrase = ""
        seg = _segment(ctx, lex, m, seg_start)
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        breakdown = False
        if nxt is not None and nxt.start < ce:
            seg_end, breakdown = _split_between(text, m.end, nxt.start)
            next_start = seg_end
        else:
            seg_end, next_start = ce, None
        right_raw = text[m.end : seg_end]
        right_trim = regex.sub(r"[\s,;:]+(?:và|hoặc)?\s*$", "", right_raw, flags=FLAGS)
        right_trim = _cut_new_clause(right_trim, lex)
        right_trim = _before_unmatched_close(right_trim)
        comparator = seg.comparator
        rules = {"value": m.rule, "direction": "default_level", "quote": "value_segment", **seg.rules}
        after = _AFTER_WORD.match(right_trim)
        if after:
            comparator, rules["comparator"] = lex.comparator_of(after["w"])
        if m.unit == "rank" and comparator in (None, "="):
            comparator, rules["comparator"] = "<=", "rank_default"  # guide §3: "top 20" is at most 20th
        cmp_from_word = comparator is not None and comparator != "="
        if comparator is None:
            comparator, rules["comparator"] = "=", "default_eq"
        seg_end_abs = m.end + len(right_trim)
        seg_text = text[seg.start : seg_end_abs]
        site = Site(
            ctx=ctx, lex=lex, mention=m, clause=(cs, ce), seg_start=seg.start, seg_end=seg_end_abs,
            right=right_trim, breakdown=breakdown, next_start=nxt.start if nxt else None,
            national=national, province=province, doc_year=doc_year,
        )
        verdict = first_verdict(site)  # guide §1: the non-target rules, in order (filters.py)
        if verdict is not None:
            drops.append(Drop(m, verdict.rule, verdict.reason))
            continue
        scopes, spans = list(site.scopes[0]), list(site.scopes[1])
        left_for_ind = _strip_scopes(seg.left_core, spans, 0)
        right_for_ind = _strip_scopes(right_trim, spans, m.end - seg.start)
        indicator = _build_indicator(left_for_ind, right_for_ind, lex, seg.share_verb, m.unit)
        rules["indicator"] = "indicator_clause"
        right_clean = _clean_right(right_for_ind, lex, m.unit)
        if seg.bare and prev_phrase and right_clean and not _has_verb(right_clean):
            indicator, rules["indicator"] = f"{prev_phrase} {right_clean}", "list_elided_verb"
        elif seg.bare and not right_clean and not _strip_ends(left_for_ind, lex):
            indicator = ""  # elided: inherited from its neighbour (guide §2)
        if seg.has_subject and right_for_ind and m.unit == "percent":
            prev_phrase = _strip_ends(_YEAR_PHRASE.sub(" ", left_for_ind).rsplit(",", 1)[-1], lex)
        elif not seg.bare:
            prev_phrase = ""
        tail = ""
        if spans:
            last_end = spans[-1][1] + seg.start
            if last_end > m.end:
                tail = _strip_ends(_YEAR_PHRASE.sub(" ", _PARENS.sub(" ", text[last_end:seg_end_abs])), lex)
        year, source = site.year
        if _ANNUAL.search(text, seg.start, seg_end_abs + 15):
            period_end = next((y for y in ctx.years if seg_end_abs <= y.start < ce), None)
            if period_end is not None:
                year, source = period_end.year, "clause"
                rules["deadline_year"] = "year_annual_period"
        rules.setdefault("deadline_year", f"year_{source}")
        uncarried = year
        if source == "carried":  # kept in case the carry is withdrawn (_drop_conflicting_carry)
            uncarried = resolve_year(ctx, m.start, m.end, nxt.start if nxt else None, carry=False)[0]
        # a share of GRDP with no subject of its own is the digital economy's (`nâng lên 40% GRDP`)
        pillar = ctx.pillar_at(m.start)
        pillar_source = "section" if pillar else ""
        if pillar is not None:
            rules["pillar"] = "pillar_section"
        else:
            # the value's own words: its indicator, else the comma-chunk holding it; a pillar
            # earlier in the segment is the object of another verb phrase (P3)
            chunk = seg_text[max(seg_text.rfind(",", 0, m.start - seg.start), seg_text.rfind(":", 0, m.start - seg.start)) + 1 :]
            pillar = pillar_in_clause(indicator, lex) or pillar_in_clause(chunk, lex)
            pillar_source = "clause" if pillar else ""
            if pillar:
                rules["pillar"] = "pillar_in_clause"
        achieved = lex.cue("achieved", right_raw)
        if achieved:
            rules["achieved"] = achieved[0]
        lead = len(seg_text) - len(seg_text.lstrip(" ,;:.-–—•*+"))
        q_start = min(seg.start + lead, m.start)
        q_end = max(m.end + len(right_trim.rstrip(" ,;:")), m.end)
        ss, se = ctx.sentence_of(m.start)
        base = Candidate(
            value=m.value,
            value_max=m.value_max,
            unit=m.unit,
            comparator=comparator,
            direction=seg.direction,
            indicator=indicator,
            scope=None,
            deadline_year=year,
            pillar=pillar,
            pillar_source=pillar_source,
            achieved=achieved is not None,
            quote=text[q_start:q_end],
            start=q_start,
            end=q_end,
            sentence=text[ss:se].strip(),
            year_source=source,
            cmp_from_word=cmp_from_word,
            list_item=seg.bare,
            clause_start=cs,
            tail=tail,
            paragraph_start=ctx.paragraph_of(m.start)[0],
            uncarried_year=uncarried,
            nested=_nested(text, cs, m.start),
            mention=m,
            rules=rules,
        )
        indicators = [indicator]
        two = _TWO_SHARES.match(indicator) if not right_clean else None
        coordinated = _split_coordinated(right_for_ind, lex) if seg.bare and m.unit == "percent" else None
        if two:
            indicators = [two["a"].strip(), two["b"].strip()]
            rules["indicator"] = "two_shares"
        elif coordinated:
            indicators = [_strip_ends(part, lex) for part in coordinated]
            rules["indicator"] = "coordinated_verbs"
        for ind in indicators:
            scope_list: list[str | None] = list(scopes) or [None]
            for scope in scope_list:
                scope_rule = {"scope": scope} if scope else {}  # the scopes.yaml entry id is the scope
                out.append(replace(base, scope=scope, indicator=ind, rules={**rules, **scope_rule}))
    kept = _merge_duplicates(_drop_conflicting_carry(_resolve_lists(out)))
    drops += _restatement_drops(out, kept)
    return Extraction(candidates=tuple(kept), drops=tuple(sorted(drops, key=lambda d: d.mention.start)))


def _restatement_drops(before: list[Candidate], kept: list[Candidate]) -> list[Drop]:
    """A value none of whose records survived the merge restates an earlier one (guide §2)."""
    kept_ids = {id(c) for c in kept}
    survivors = {c.mention for c in before if id(c) in kept_ids}
    gone = {c.mention: c for c in before if id(c) not in kept_ids and c.mention not in survivors}
    return [
        Drop(m, RESTATEMENT, "guide §2: restates a commitment already recorded earlier in the document")
        for m in gone
        if m is not None
    ]


def _same_measure(a: Candidate, b: Candidate) -> bool:
    sa, sb = syllables(a.indicator), syllables(b.indicator)
    return bool(sa and sb) and (sa <= sb or sb <= sa) and a.unit == b.unit and a.scope == b.scope


def _drop_conflicting_carry(cands: list[Candidate]) -> list[Candidate]:
    """A year carried from an earlier paragraph cannot give one measure two values.

    When a paragraph whose year was carried restates measures already set for that year
    with other values, it belongs to another horizon: its carried year is withdrawn and
    the section's or document's year (or none) applies.
    """
    for para in sorted({c.paragraph_start for c in cands if c.year_source == "carried"}):
        carried = [c for c in cands if c.paragraph_start == para and c.year_source == "carried"]
        earlier = [p for p in cands if p.paragraph_start < para]
        if any(
            p.deadline_year == c.deadline_year and (p.value, p.value_max) != (c.value, c.value_max) and _same_measure(p, c)
            for c in carried
            for p in earlier
        ):
            for c in carried:
                c.deadline_year, c.year_source = c.uncarried_year, "uncarried"
                c.rules["deadline_year"] = "year_carry_withdrawn"
    return cands


def _nested(text: str, clause_start: int, pos: int) -> bool:
    """A value in a parenthesis opened after an earlier value (`85% … cấp tỉnh (đến năm 2030 là 98%)`)."""
    opened = open_paren(text, clause_start, pos)
    return opened is not None and bool(regex.search(r"\d\s*%|\d", text[clause_start:opened]))


def _head(indicator: str) -> str:
    """The first two syllables of an indicator: the noun its value counts."""
    words = regex.findall(r"\w+", indicator.lower())[:2]
    return " ".join(words) if len(words) == 2 else ""


def _list_groups(cands: list[Candidate]) -> list[list[Candidate]]:
    """Runs of candidates that form one list: the values of one clause, and parallel items after
    a `;` in the same sentence — bare, naming a level, and counting the same noun as the item
    before (`tối thiểu 92% hồ sơ một cửa cấp tỉnh; 85% hồ sơ một cửa cấp huyện và 72% ...`):
    the `;` divides one list of levels (unseen-errors T8, T6)."""
    groups: list[list[Candidate]] = []
    for c in cands:
        prev = groups[-1][-1] if groups else None
        joined = prev is not None and (
            c.clause_start == prev.clause_start
            or (
                c.list_item
                and c.sentence == prev.sentence
                and c.paragraph_start == prev.paragraph_start
                and c.scope is not None
                and prev.scope is not None
                and _head(c.indicator) == _head(prev.indicator) != ""
            )
        )
        if joined:
            groups[-1].append(c)
        else:
            groups.append([c])
    return groups


def _resolve_lists(cands: list[Candidate]) -> list[Candidate]:
    """Guide §2: inherit elided indicators, distribute a leading comparator, share a predicate."""
    group_of = {id(c): g for g in _list_groups(cands) for c in g}
    for i, c in enumerate(cands):
        same = [p for p in group_of[id(c)] if p is not c and cands.index(p) < i]
        if not c.indicator.strip():
            before = [p for p in cands[:i] if p.sentence == c.sentence and p.indicator.strip()]
            after = [n for n in cands[i + 1 :] if n.sentence == c.sentence and n.indicator.strip() and n.unit == c.unit]
            earlier = [p for p in cands[:i] if p.paragraph_start == c.paragraph_start and p.indicator.strip()]
            if before:
                c.indicator = before[-1].indicator
                if c.pillar is None:  # an elided item takes its neighbour's measure, pillar included
                    c.pillar, c.pillar_source = before[-1].pillar, before[-1].pillar_source
            elif after:
                c.indicator = after[0].indicator
            elif earlier:
                c.indicator = earlier[-1].indicator
            c.rules["indicator"] = "list_inherit_indicator"
        # a leading comparator is not carried to an item it would make impossible (`trên 80% …, 100% xã`)
        impossible = c.unit == "percent" and c.value >= 100
        if same and c.list_item and not c.cmp_from_word and c.comparator == "=" and not impossible:
            first = same[0]
            if first.cmp_from_word and first.comparator in (">=", ">", "~", "<=", "<") and not _OWN_VERB.search(c.quote):
                c.comparator = first.comparator
                c.cmp_from_word = True
                c.rules["comparator"] = "list_distribute_comparator"
    for group in _list_groups(cands):
        # a later-year value nested after an item keeps the item's measure and scope (unseen-errors T5);
        # words after its parenthesis are the list's shared predicate
        for k, c in enumerate(group):
            item = next((p for p in reversed(group[:k]) if not p.nested), None)
            if c.nested and item is not None and c.scope is None:
                own = c.indicator
                c.scope, c.indicator = item.scope, item.indicator
                c.rules["scope"] = c.rules["indicator"] = "list_nested_item"
                if own and own != item.indicator and not c.tail:
                    c.tail = own
                    c.indicator = f"{item.indicator} {own}".strip()
        # a predicate after the last scoped item of a list belongs to every item
        tails = [c.tail for c in group if c.tail]
        if len(group) > 1 and tails:
            tail = tails[-1]
            for c in group:
                if c.scope and not c.tail and tail not in c.indicator:
                    c.indicator = f"{c.indicator} {tail}".strip()
                    c.rules["indicator"] = "list_shared_predicate"
        # a year stated after the last item (`… 55% văn bản đi cấp xã được ký số vào năm 2026`)
        # dates the items that have only a weak year of their own
        last = group[-1]
        if len(group) > 1 and last.year_source == "clause" and last.deadline_year is not None:
            for c in group[:-1]:
                if c.year_source in _WEAK_YEARS and c.list_item is not None and c.end <= last.start:
                    c.deadline_year, c.year_source = last.deadline_year, "list"
                    c.rules["deadline_year"] = "list_year_after_last_item"
    return cands


_WEAK_YEARS = {"horizon", "carried", "heading", ""}


def _restates(a: Candidate, b: Candidate) -> bool:
    """Same commitment: equal value fields, compatible years, one indicator inside the other."""
    if (a.unit, a.value, a.value_max, a.comparator, a.direction, a.scope, a.achieved) != (
        b.unit, b.value, b.value_max, b.comparator, b.direction, b.scope, b.achieved
    ):
        return False
    if a.clause_start == b.clause_start:
        return False
    if a.deadline_year != b.deadline_year and a.year_source not in _WEAK_YEARS and b.year_source not in _WEAK_YEARS:
        return False
    sa, sb = syllables(a.indicator), syllables(b.indicator)
    if not sa or not sb:
        return False
    return (sa <= sb or sb <= sa) and indicator_overlap(a.indicator, b.indicator) >= 0.5


def _headline_restates(head: Candidate, body: Candidate) -> bool:
    """A headline restating a body target in other words (unseen-errors T4): the first line of the
    text, the same value, unit, scope and achieved, a year that does not contradict, and indicators
    that share most of their words; the headline may drop the year or soften the comparator."""
    if head.paragraph_start != 0 or body.paragraph_start == 0:
        return False
    if (head.unit, head.value, head.value_max, head.scope, head.achieved, head.direction) != (
        body.unit, body.value, body.value_max, body.scope, body.achieved, body.direction
    ):
        return False
    if None not in (head.deadline_year, body.deadline_year) and head.deadline_year != body.deadline_year:
        return False
    if head.comparator != body.comparator and head.cmp_from_word and body.cmp_from_word:
        return False
    return indicator_overlap(head.indicator, body.indicator) >= 0.4 or head.unit == "rank"


def _merge_duplicates(cands: list[Candidate]) -> list[Candidate]:
    """Guide §2: a restated commitment is one record, the first full statement."""
    kept: list[Candidate] = []
    for c in cands:
        dup = next((k for k in kept if _restates(k, c)), None)
        if dup is None:
            head = next((k for k in kept if _headline_restates(k, c)), None)
            if head is not None:
                # the body completes a headline that lacks the year or the comparator word
                if head.deadline_year is None or (c.cmp_from_word and not head.cmp_from_word):
                    head.quote, head.start, head.end, head.indicator = c.quote, c.start, c.end, c.indicator
                if head.deadline_year is None:
                    head.deadline_year, head.year_source = c.deadline_year, c.year_source
                if c.cmp_from_word and not head.cmp_from_word:
                    head.comparator, head.cmp_from_word = c.comparator, True
                if c.pillar_source == "section" and head.pillar_source != "section":
                    head.pillar, head.pillar_source = c.pillar, c.pillar_source
                continue
            kept.append(c)
            continue
        if c.pillar_source == "section" and dup.pillar_source != "section":
            dup.pillar, dup.pillar_source = c.pillar, c.pillar_source  # P4: the statement under a lead-in
            dup.rules["pillar"] = "restatement_pillar"
        if dup.year_source in _WEAK_YEARS and c.year_source not in _WEAK_YEARS:
            dup.deadline_year = c.deadline_year
            dup.year_source = c.year_source
            dup.rules["deadline_year"] = "restatement_year"  # the restatement states the year
    return kept
