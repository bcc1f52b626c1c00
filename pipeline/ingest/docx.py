"""Word (.docx) ingest with python-docx: paragraphs and tables in document order.

Word keeps each paragraph whole, so no line re-joining is needed; tables become lines
through `pipeline.ingest.tables` (the official header is usually a borderless two-column
table, appendices list indicators per year).  Running headers and footers live in
the section parts, which are not read.  Text pasted from TCVN3/VNI-font documents is
converted (see `pipeline.ingest.encodings.fix_legacy_text`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from pipeline.errors import E_DOCX, E_DOCX_BOMB, IngestError
from pipeline.ingest.encodings import UTF8, fix_legacy_text
from pipeline.ingest.tables import table_lines
from pipeline.limits import MAX_INFLATED, MAX_RATIO, RATIO_FLOOR

_OBJECT_REPR = re.compile(r"\s*'?<[^<>']* at 0x[0-9a-fA-F]+>'?")  # a Python object's repr in a message
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cell_text(cell: Any) -> str:
    """A cell's paragraphs (and nested tables' lines), one per line."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    parts: list[str] = []
    for child in cell._tc.iterchildren():
        if child.tag == _W + "p":
            parts.append(Paragraph(child, cell).text)
        elif child.tag == _W + "tbl":
            parts.extend(table_lines(_table_rows(Table(child, cell))))
    return "\n".join(parts)


def _table_rows(table: Any) -> list[list[str | None]]:
    """Rows of cell texts; a cell merged across columns is given once."""
    rows: list[list[str | None]] = []
    for row in table.rows:
        cells: list[str | None] = []
        seen: set[int] = set()
        for cell in row.cells:
            key = id(cell._tc)
            cells.append(None if key in seen else _cell_text(cell))
            seen.add(key)
        rows.append(cells)
    return rows


def _blocks(document: Any) -> Iterator[str]:
    """Body paragraphs and table lines, in the order they appear."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            yield Paragraph(child, document).text
        elif child.tag == _W + "tbl":
            yield from table_lines(_table_rows(Table(child, document)))


def check_package(data: bytes, max_inflated: int = MAX_INFLATED) -> None:
    """Refuse a package whose parts would inflate past `max_inflated` bytes, before any is read.

    python-docx inflates a whole part in memory (a 3 MB file asked for 6.3 GB), while zip
    reads never inflate a member past the size its directory declares, so the declared
    sizes are checked, summed and compared with their compressed sizes first.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if total > max_inflated:
        raise IngestError(E_DOCX_BOMB.format(reason=f"its parts inflate to {total} bytes, over the "
                                                    f"{max_inflated}-byte limit"))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise IngestError(E_DOCX_BOMB.format(reason=f"{info.filename} compresses {ratio:.0f}:1, over the "
                                                        f"{MAX_RATIO:.0f}:1 limit"))


def _said(exc: Exception) -> str:
    """What a library's exception says, on one line and without object addresses (`<_io.BytesIO … at 0x…>`)."""
    return " ".join(_OBJECT_REPR.sub("", str(exc)).split())


def docx_to_text(data: bytes) -> tuple[str, dict[str, str]]:
    """The text of a .docx file and its core properties (title) as metadata."""
    import docx
    from lxml.etree import XMLSyntaxError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise IngestError(E_DOCX.format(reason="not a zip package (damaged, or another format renamed .docx)"))
    check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = [line for block in _blocks(document) for line in block.split("\n")]
    except (KeyError, ValueError, zipfile.BadZipFile, XMLSyntaxError) as exc:
        raise IngestError(E_DOCX.format(reason=f"{type(exc).__name__}: {_said(exc)[:120]}")) from exc
    text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
    fixed = fix_legacy_text(text)
    meta: dict[str, str] = {}
    if fixed.encoding != UTF8:
        meta["encoding"] = fixed.encoding
    title = (document.core_properties.title or "").strip()
    if title:
        meta["title"] = title
    return fixed.text, meta
