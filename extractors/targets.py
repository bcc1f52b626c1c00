"""Target statements: each value with its comparator, direction, scope, indicator,
deadline year, pillar and provenance (labelling guide §1–3).

The work is clause-local: a value's clause is cut between it and its neighbours, the
words before it give the comparator and direction, the words around it give the
indicator and scope, and `context.py` gives the year and pillar.  Lists are handled
as the guide asks: one record per scope, a leading comparator distributed over the
list, an elided indicator inherited from its neighbour, restatements merged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import regex

from extractors.context import DocContext, build_context, pillar_in_clause, resolve_year
from extractors.lexicon import FLAGS, Lexicon, get_lexicon
from extractors.numbers import Mention, find_mentions
from extractors.overlap import indicator_overlap

_SPLIT_DELIMS = regex.compile(r":|,|;|\s+và\s+|\s+hoặc\s+|\s+-\s+", FLAGS)
_LINK_VERB = regex.compile(r"(?<!\w)(?:đạt(?:\s+được)?(?:\s+mức)?|là|chiếm|bằng|ở\s+mức|đặt)\s*$", FLAGS)
_CUT_BEFORE = regex.compile(
    r":|(?<!\w)(?:đến|tới|vào|trong)?\s*(?:năm|giai\s+đoạn)\s+(?:\d{4}\s*[-–—]\s*)?\d{4}\s*,"
    r"|(?<!\w)(?:cụ\s+thể|theo\s+đó|trong\s+đó|ngoài\s+ra|đồng\s+thời|bên\s+cạnh\s+đó|khi\s+đó|giai\s+đoạn\s+này|đặc\s+biệt)\s*,"
    r"|(?<!\w)(?:phấn\s+đấu|đặt\s+(?:ra\s+)?mục\s+tiêu|mục\s+tiêu(?:\s+đặt\s+ra)?(?:\s+là)?|đề\s+ra|hướng\s+tới(?:\s+mục\s+tiêu)?|như\s+sau)(?!\w)",
    FLAGS,
)
_YEAR_PHRASE = regex.compile(
    r"(?<!\w)(?:(?:đến|tới|vào|trong|đến\s+cuối|cuối)\s+)?(?:năm|giai\s+đoạn)\s+(?:\d{4}\s*[-–—]\s*)?\d{4}(?!\d)",
    FLAGS,
)
_OWN_VERB = regex.compile(r"(?<!\w)(?:đạt|là|chiếm|bằng)(?!\w)", FLAGS)
_PER_YEAR = regex.compile(r"^\s*/\s*năm\b", FLAGS)
_PARENS = regex.compile(r"\([^()]*\)")
_PLACE_COVERAGE = regex.compile(
    r"^\s*(?:số\s+|các\s+|tất\s+cả\s+các\s+)?(?:đơn\s+vị\s+(?:hành\s+chính\s+)?(?:cấp\s+)?)?(?:xã|huyện|tỉnh|phường|thôn|ấp|bản|làng|quận|thị\s+xã)(?!\w)",
    FLAGS,
)
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


def _scope_patterns(lex: Lexicon) -> tuple[regex.Pattern[str], dict[str, regex.Pattern[str]]]:
    level = "|".join(f"(?:{p})" for p in lex.scope_words.values())
    listed = (
        r"(?:(?:ở|tại|đối\s+với|của)\s+)?\(?cấp\s+(?:" + level + r")"
        r"(?:\s*(?:,|và|hoặc|-)\s*(?:cấp\s+)?(?:" + level + r"))*\)?"
        r"|(?:(?:tại|của)\s+)?các\s+cơ\s+quan\s+(?:cấp\s+)?(?:tỉnh|thành\s+phố)(?!\w)"
        r"|(?<=cán\s+bộ,?\s+(?:công\s+chức,?\s+)?|công\s+chức\s+)(?:xã|huyện)(?!\w)"
    )
    each = {scope: regex.compile(p, FLAGS) for scope, p in lex.scope_words.items()}
    return regex.compile(listed, FLAGS), each


def find_scopes(segment: str, lex: Lexicon) -> tuple[list[str], list[tuple[int, int]]]:
    """Scopes named in a value's segment, in guide order, and the spans that named them."""
    listed, each = _scope_patterns(lex)
    scopes: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in listed.finditer(segment):
        spans.append((m.start(), m.end()))
        phrase = m.group(0)
        if regex.search(r"cơ\s+quan", phrase, FLAGS):
            hits = [(0, "province")]
        else:
            body = regex.sub(r"^.*?(?=cấp|\b(?:xã|huyện)\b)", "", phrase, count=1, flags=FLAGS)
            hits = []
            for scope, pattern in each.items():
                for w in pattern.finditer(body):
                    if not regex.match(r"\s*(?:\w)", body[w.end():w.end() + 2] or " ") or True:
                        hits.append((w.start(), scope))
        for _, scope in sorted(hits):
            if scope not in scopes:
                scopes.append(scope)
    return scopes, spans


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


def _comparator_before(left: str, lex: Lexicon, mention: Mention) -> tuple[str | None, str, str]:
    """(comparator or None, direction, left with those words removed)."""
    comparator: str | None = None
    direction = "level"
    text = left.rstrip()
    for _ in range(4):
        hit = False
        for pattern, cmp in lex.cmp_before:
            m = pattern.search(text)
            if m:
                if not (cmp == ">=" and mention.value_max is not None and m.group(0).strip().lower() == "từ"):
                    comparator = comparator or cmp
                text, hit = text[: m.start()].rstrip(), True
                break
        m = _LINK_VERB.search(text)
        if m:
            comparator = comparator or "="
            text, hit = text[: m.start()].rstrip(), True
        for pattern, dirn in lex.direction_before:
            m = pattern.search(text)
            if m:
                if direction == "level":
                    direction = dirn
                text, hit = text[: m.start()].rstrip(), True
                break
        if not hit:
            break
    return comparator, direction, text


def _cut_leadin(left: str) -> int:
    """Offset in `left` after its last lead-in (year, pillar heading, discourse marker)."""
    cut = 0
    for m in _CUT_BEFORE.finditer(left):
        cut = m.end()
    return cut


def _split_between(text: str, a_end: int, b_start: int, a_has_subject: bool) -> int:
    """Where the segment of the value ending at a_end stops and the next one begins."""
    delims = list(_SPLIT_DELIMS.finditer(text, a_end, b_start))
    if not delims:
        return b_start
    colon = [d for d in delims if d.group(0) == ":"]
    if colon:
        return colon[-1].end()
    chosen = delims[0] if a_has_subject else delims[-1]
    return chosen.end()


def _is_reported(ctx: DocContext, lex: Lexicon, pos: int, segment_start: int) -> bool:
    ss, _ = ctx.sentence_of(pos)
    ps, pe = ctx.paragraph_of(pos)
    reported = lex.cue_re["reported"]
    if reported.search(ctx.text, ss, pos):
        return True
    return bool(reported.search(ctx.text, ps, pos) and not lex.cue_re["forward"].search(ctx.text, ps, pe))


def _build_indicator(left: str, right: str, lex: Lexicon, share_verb: bool) -> str:
    left = _strip_ends(left, lex)
    right = _PER_YEAR.sub("", right)
    right = _YEAR_PHRASE.sub(" ", right)
    right = _PARENS.sub(" ", right)
    right = regex.sub(r"^\s*(?:trở\s+lên|trở\s+xuống)\b", "", right, flags=FLAGS)
    right = _strip_ends(right, lex)
    if share_verb and left and right and _OBJECT_OF_SHARE.match(right):
        right = regex.sub(r"\s+của\s+(?:tỉnh|thành\s+phố)\b.*$", "", right, flags=FLAGS)
        return f"{left} trong {right}"
    return " ".join(p for p in (left, right) if p)


def extract_candidates(text: str, lex: Lexicon | None = None, national: bool = False) -> list[Candidate]:
    """Every target statement of a normalised document, in text order."""
    lex = lex or get_lexicon()
    mentions = find_mentions(text, lex)
    ctx = build_context(text, lex, [m.start for m in mentions])
    out: list[Candidate] = []
    prev_split = -1
    prev: Mention | None = None
    for i, m in enumerate(mentions):
        if ctx.is_heading(m.start):
            continue
        cs, ce = ctx.clause_of(m.start)
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        # left edge: after the previous value's share of the clause
        if prev is not None and prev.end > cs and prev_split > 0:
            seg_start = prev_split
        else:
            seg_start = cs
        for b in ctx.boundaries:
            if seg_start <= b.pos < m.start:
                stop = regex.compile(r"[,:]").search(text, b.pos, m.start)
                if stop:
                    seg_start = stop.end()
        left_raw = text[seg_start : m.start]
        cut = _cut_leadin(left_raw)
        left_raw = left_raw[cut:]
        seg_start += cut
        comparator, direction, left_core = _comparator_before(left_raw, lex, m)
        share_verb = bool(regex.search(r"(?:chiếm|đóng\s+góp)\s*(?:\S+\s*)?$", left_raw[: len(left_raw)], FLAGS))
        left_clean_probe = _strip_ends(left_core, lex)
        has_subject = bool(left_clean_probe)
        # right edge: up to the split with the next value in the clause, or the clause end
        if nxt is not None and nxt.start < ce:
            seg_end = _split_between(text, m.end, nxt.start, has_subject)
            split_for_next = seg_end
        else:
            seg_end = ce
            split_for_next = -1
        right_raw = text[m.end : seg_end]
        right_trim = regex.sub(r"[\s,;:]+(?:và|hoặc)?\s*$", "", right_raw, flags=FLAGS)
        for pattern, cmp in lex.cmp_after:
            if pattern.match(right_trim):
                comparator = cmp
        if m.unit == "rank":
            comparator = "<="
        cmp_from_word = comparator is not None and comparator != "="
        comparator = comparator or "="
        # filters (guide §1)
        reported = _is_reported(ctx, lex, m.start, seg_start)
        seg_text = text[seg_start : m.end + len(right_trim)]
        clause_left = text[cs : m.start]
        skip = reported
        if lex.cue_re["not_digital"].search(clause_left[-80:] + text[m.start : m.end + len(right_trim)]):
            skip = True
        if not national and lex.cue_re["national"].search(seg_text):
            skip = True
        prev, prev_split, _prev_has_subject = m, split_for_next, has_subject
        if skip:
            continue
        achieved = bool(lex.cue_re["achieved"].search(right_raw))
        scopes, spans = find_scopes(text[seg_start : m.end + len(right_trim)], lex)
        if m.unit == "percent" and _PLACE_COVERAGE.match(right_trim):
            scopes = []
        left_for_ind = _strip_scopes(left_core, spans, 0)
        right_off = m.end - seg_start
        right_for_ind = _strip_scopes(right_trim, spans, right_off)
        indicator = _build_indicator(left_for_ind, right_for_ind, lex, share_verb)
        tail = ""
        if spans:
            last_end = spans[-1][1] + seg_start
            if last_end > m.end:
                tail = _strip_ends(_PARENS.sub(" ", text[last_end : m.end + len(right_trim)]), lex)
        year, source = resolve_year(ctx, m.start, m.end, nxt.start if nxt else None)
        pillar = ctx.pillar_at(m.start) or pillar_in_clause(text[seg_start : m.end + len(right_trim)], lex)
        q_start = seg_start + (len(text[seg_start:]) - len(text[seg_start:].lstrip(" ,;:.-–—•*+")))
        q_end = m.end + len(right_trim.rstrip(" ,;:"))
        q_end = max(q_end, m.end)
        q_start = min(q_start, m.start)
        ss, se = ctx.sentence_of(m.start)
        base = Candidate(
            value=m.value,
            value_max=m.value_max,
            unit=m.unit,
            comparator=comparator,
            direction=direction,
            indicator=indicator,
            scope=None,
            deadline_year=year,
            pillar=pillar,
            achieved=achieved,
            quote=text[q_start:q_end],
            start=q_start,
            end=q_end,
            sentence=text[ss:se].strip(),
            year_source=source,
            cmp_from_word=cmp_from_word,
            list_item=not has_subject,
            clause_start=cs,
            tail=tail,
        )
        for scope in scopes or [None]:
            out.append(replace(base, scope=scope))
    return _merge_duplicates(_resolve_lists(out))


def _resolve_lists(cands: list[Candidate]) -> list[Candidate]:
    """Guide §2: inherit elided indicators, distribute a leading comparator, share a predicate."""
    for i, c in enumerate(cands):
        if i == 0:
            continue
        p = cands[i - 1]
        same_clause = p.clause_start == c.clause_start
        same_sentence = p.sentence == c.sentence
        if not c.indicator.strip() and (same_sentence or same_clause):
            c.indicator = p.indicator
        distributable = same_clause and c.list_item and p.cmp_from_word and not c.cmp_from_word
        if distributable and c.comparator == "=" and not _OWN_VERB.search(c.quote):
            c.comparator = p.comparator
            c.cmp_from_word = True
    # a predicate after the last scoped item of a list belongs to every item
    i = 0
    while i < len(cands):
        j = i
        while j + 1 < len(cands) and cands[j + 1].clause_start == cands[i].clause_start:
            j += 1
        group = cands[i : j + 1]
        tails = [c.tail for c in group if c.tail]
        if len(group) > 1 and tails:
            tail = tails[-1]
            for c in group:
                if c.scope and not c.tail and tail not in c.indicator:
                    c.indicator = f"{c.indicator} {tail}".strip()
        i = j + 1
    return cands


def _merge_duplicates(cands: list[Candidate]) -> list[Candidate]:
    """Guide §2: a restated commitment is one record, the first full statement."""
    kept: list[Candidate] = []
    for c in cands:
        dup = None
        for k in kept:
            if (k.unit, k.value, k.value_max, k.comparator, k.direction, k.scope, k.achieved) != (
                c.unit, c.value, c.value_max, c.comparator, c.direction, c.scope, c.achieved
            ):
                continue
            years_agree = k.deadline_year == c.deadline_year or k.year_source == "horizon" or c.year_source == "horizon" or k.deadline_year is None or c.deadline_year is None
            if not years_agree:
                continue
            if indicator_overlap(k.indicator, c.indicator) >= 0.6 or (k.start == c.start):
                dup = k
                break
        if dup is None:
            kept.append(c)
        elif dup.year_source in ("horizon", "") and c.year_source not in ("horizon", ""):
            dup.deadline_year = c.deadline_year
            dup.year_source = c.year_source
    return kept
