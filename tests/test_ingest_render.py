"""Renderings of a document as a portal page, an official-style PDF and a Word file.

The other ingest tests import these builders, so no binary fixture is committed.  The
tests here check that each rendering really holds what ingest must undo (chrome around
the article, running headers, page numbers, lines wrapped mid-sentence, a page break
inside a paragraph); otherwise the equivalence tests would pass for the wrong reason.
"""

from __future__ import annotations

import html
import io
import itertools
from collections.abc import Sequence
from pathlib import Path

import pdfplumber
import pytest
from fpdf import FPDF

from pipeline.ingest.load import load_source

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DOCS = sorted((ROOT / "corpus").glob("*.txt"))
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
needs_font = pytest.mark.skipif(not FONT.exists(), reason="Debian's fonts-dejavu-core is not installed")

RUNNING_HEADER = "Văn bản số hóa – Bản sao điện tử"
OFFICIAL_HEADER = (
    ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("TỈNH HẢI DƯƠNG", "Độc lập - Tự do - Hạnh phúc"),
    ("Số: 4636/KH-UBND", "Hải Dương, ngày 29 tháng 09 năm 2025"),
)
# A short official plan (written for these tests) and its appendix table, one column per year.
OFFICIAL_PARAGRAPHS = (
    "KẾ HOẠCH",
    "Chuyển đổi số tỉnh Hải Dương giai đoạn 2025 - 2030",
    "I. MỤC TIÊU",
    "1. Về phát triển chính quyền số:",
    (
        "- Đến năm 2027, 100% thủ tục hành chính đủ điều kiện được cung cấp dưới hình thức dịch vụ công "
        "trực tuyến toàn trình; 95% hồ sơ công việc tại cấp tỉnh, 85% hồ sơ công việc tại cấp huyện và "
        "75% hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng (trừ hồ sơ công việc thuộc phạm vi "
        "bí mật nhà nước)."
    ),
    "2. Về phát triển kinh tế số:",
    (
        "- Đến năm 2027, kinh tế số chiếm 22% GRDP của tỉnh; tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng "
        "số đạt trên 60%; tỷ trọng thương mại điện tử trong tổng mức bán lẻ hàng hóa và doanh thu dịch vụ "
        "tiêu dùng đạt 12%."
    ),
    "II. CÁC CHỈ TIÊU CỤ THỂ",
    "Các chỉ tiêu theo từng năm được nêu tại Phụ lục kèm theo Kế hoạch này.",
)
APPENDIX = (
    ("STT", "Chỉ tiêu", "ĐVT", "Năm 2025", "Năm 2030"),
    ("1", "Tỷ lệ hồ sơ công việc cấp xã được xử lý trên môi trường mạng", "%", "80", "95"),
    ("2", "Tỷ lệ dân số trưởng thành có chữ ký số hoặc chữ ký điện tử cá nhân", "%", "50", "70"),
    ("3", "Tỷ trọng kinh tế số trong GRDP của tỉnh", "%", "20", "30"),
)
# (value, deadline_year) of each appendix cell
APPENDIX_TARGETS = {(80, 2025), (95, 2030), (50, 2025), (70, 2030), (20, 2025), (30, 2030)}

# Markers of the portal chrome that `portal_html` wraps around an article.
CHROME = ("Trang chủ", "Tin liên quan", "Những tin mới hơn", "Tổng số điểm của bài viết là",
          "Đang truy cập", "Bản quyền thuộc về", "Ý kiến bạn đọc", "Tin mới nhất")


def corpus_paragraphs(path: Path) -> list[str]:
    """A corpus document as it reads: the lines of its normalised text."""
    return [line for line in load_source(path).text.split("\n") if line.strip()]


# --- HTML -------------------------------------------------------------------------------


def portal_html(paragraphs: Sequence[str], style: str = "nukeviet", date: str = "18/01/2024") -> str:
    """The paragraphs as the article of a provincial portal page (title first)."""
    title, body = paragraphs[0], list(paragraphs[1:])
    esc = html.escape
    menu = "".join(f'<li><a href="/m{i}">{m}</a></li>' for i, m in
                   enumerate(("Trang chủ", "Giới thiệu", "Tin tức", "Văn bản", "Liên hệ")))
    related = "".join(f'<li><a href="/r{i}">{t}</a> <em>(2{i}/01/2024)</em></li>' for i, t in
                      enumerate(("Hội nghị sơ kết 6 tháng đạt 95% kế hoạch", "Năm 2025 phấn đấu 100% xã có wifi")))
    paras = "\n".join(
        f"<p><strong>{esc(p)}</strong></p>" if p.endswith(":") and len(p) < 80 else f"<p>{esc(p)}</p>" for p in body
    )
    if style == "nukeviet":
        return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{esc(title)} - Cổng thông tin điện tử</title><script>var nv_lang_data="vi";</script></head>
<body><header><div class="logo"><a href="/">Cổng thông tin điện tử tỉnh</a></div></header>
<nav class="second-nav"><ul class="nav navbar-nav">{menu}</ul></nav>
<ul class="breadcrumbs"><li><a href="/">Trang nhất</a></li><li><a href="/news">Tin tức</a></li></ul>
<div class="news_column panel"><div class="panel-body">
<h1 class="title">{esc(title)}</h1><span class="h5">Thứ năm - {date} 09:30</span>
<div id="news-bodyhtml" class="bodytext">
{paras}
</div></div></div>
<div class="panel-body"><div class="h5"><strong>Tổng số điểm của bài viết là</strong>: 5 trong 1 đánh giá</div>
<div id="stringrating">Click để đánh giá bài viết</div></div>
<div class="panel-body other-news"><p class="h3"><strong>Những tin mới hơn</strong></p><ul class="related">{related}</ul></div>
<div class="panel panel-primary"><div class="panel-heading">Thống kê truy cập</div>
<ul class="counter"><li><span>Đang truy cập</span><span>37</span></li><li><span>Tổng lượt truy cập</span><span>1,204,877</span></li></ul></div>
<footer id="footer">© Bản quyền thuộc về Sở Thông tin và Truyền thông. Điện thoại: 0233 3 555 555</footer>
<script src="/js/main.js"></script></body></html>"""
    lead, rest = body[0], body[1:]
    paras = "\n".join(f"<p>{esc(p)}</p>" for p in rest)
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{esc(title)} | Báo điện tử</title>
<meta property="article:published_time" content="2024-01-18T09:30:00+07:00"></head>
<body><header class="site-header"><nav class="main-menu"><ul>{menu}</ul></nav></header>
<main><ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li>Công nghệ</li></ol>
<article class="article-detail"><header><h1>{esc(title)}</h1><time datetime="2024-01-18">{date}</time></header>
<h2 class="sapo"><strong>{esc(lead)}</strong></h2>
<div class="share-tools"><a href="#">Chia sẻ</a><a href="#">In bài viết</a></div>
<section class="detail-content">
{paras}
</section>
<section class="related-news"><h3>Tin liên quan</h3><ul>{related}</ul></section>
<section class="comments"><h3>Ý kiến bạn đọc</h3><form><textarea></textarea><button>Gửi bình luận</button></form></section>
</article>
<aside class="sidebar"><h3>Tin mới nhất</h3><ul>{related}</ul></aside></main>
<footer>© Bản quyền thuộc về Báo điện tử.</footer></body></html>"""


# --- PDF --------------------------------------------------------------------------------


class _OfficialPdf(FPDF):
    """A4, Vietnamese administrative margins, running header from page 2, page numbers."""

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font("DejaVu", size=9)
            self.set_y(10)
            self.cell(0, 5, RUNNING_HEADER, align="C")
            self.set_y(25)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("DejaVu", size=9)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="C")


def official_pdf(
    paragraphs: Sequence[str],
    header: Sequence[tuple[str, str]] | None = None,
    tables: Sequence[Sequence[Sequence[str]]] = (),
) -> bytes:
    """The paragraphs as an official-style PDF: optional two-column header, bold centred
    title, justified paragraphs with a first-line indent, then appendix tables."""
    pdf = _OfficialPdf(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_margins(30, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    if header:
        pdf.set_font("DejaVu", size=11)
        top = pdf.get_y()
        for i, (left, right) in enumerate(header):
            y = top + i * 6 + (3 if i == len(header) - 1 else 0)
            pdf.set_xy(20, y)
            pdf.cell(70, 6, left, align="C")
            pdf.set_xy(95, y)
            pdf.cell(100, 6, right, align="C")
        pdf.set_y(top + 6 * len(header) + 10)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 7, paragraphs[0], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", size=12)
    for para in paragraphs[1:]:
        pdf.multi_cell(0, 7, "\u2003\u2003" + para, align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    for rows in tables:
        pdf.ln(4)
        pdf.set_font("DejaVu", size=10)
        widths = (12, 78, 16, *([22] * (len(rows[0]) - 3)))
        with pdf.table(col_widths=widths, text_align="LEFT") as table:
            for row in rows:
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
    return bytes(pdf.output())


def scanned_pdf(text_pdf: bytes, dpi: int = 200) -> bytes:
    """A PDF holding only page images of `text_pdf` (no text layer), like a scanner's."""
    pdf = FPDF(format="A4")
    with pdfplumber.open(io.BytesIO(text_pdf)) as src:
        for page in src.pages:
            image = page.to_image(resolution=dpi).original
            pdf.add_page()
            pdf.image(image, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


# --- Word -------------------------------------------------------------------------------


def word_docx(
    paragraphs: Sequence[str],
    header: Sequence[tuple[str, str]] | None = None,
    tables: Sequence[Sequence[Sequence[str]]] = (),
) -> bytes:
    """The paragraphs as a Word file: the official header as a borderless two-column
    table, a running header and footer in the section, appendix tables at the end."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER
    section.footer.paragraphs[0].text = "Trang 1"
    if header:
        table = document.add_table(rows=1, cols=2)
        for col in range(2):
            cell = table.rows[0].cells[col]
            cell.paragraphs[0].text = header[0][col]
            for left_right in header[1:]:
                cell.add_paragraph(left_right[col])
    document.add_heading(paragraphs[0], level=1)
    for para in paragraphs[1:]:
        document.add_paragraph(para)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the renderings hold what ingest must undo ----------------------------------------------


def _raw_pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@needs_font
def test_official_pdf_rendering_has_running_lines_and_mid_sentence_wraps() -> None:
    paras = corpus_paragraphs(CORPUS_DOCS[2])
    raw = _raw_pdf_text(official_pdf(paras))
    lines = raw.split("\n")
    assert raw.count(RUNNING_HEADER) >= 2
    assert sum(line.startswith("Trang ") for line in lines) >= 3
    mid_sentence = [a for a, b in itertools.pairwise(lines) if b[:1].islower() and not a.endswith((".", ";", ":"))]
    assert len(mid_sentence) >= 20


@pytest.mark.parametrize("style", ["nukeviet", "html5"])
def test_portal_rendering_wraps_the_article_in_chrome(style: str) -> None:
    page = portal_html(["Tiêu đề bài viết về chuyển đổi số", "Đoạn mở đầu.", "Đoạn thân bài."], style=style)
    assert sum(marker in page for marker in CHROME) >= 4
