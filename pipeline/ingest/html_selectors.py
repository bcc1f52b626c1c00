"""Where the article is on Vietnamese portal and news pages, and what is not article.

Selectors and word lists only, no logic (`pipeline.ingest.html` uses them).  They come
from the page shapes data teams receive: NukeViet portals (`#news-bodyhtml`,
`.hometext`, "Tổng số điểm của bài viết là", "Những tin mới hơn"), HTML5 portals built
on `article`/`section`, SharePoint/Liferay portals (`.journal-content-article`,
`.ms-rtestate-field`), old table layouts, and news sites (`.sapo`, `.detail-content`).
"""

from __future__ import annotations

from typing import NamedTuple


class PageSelectors(NamedTuple):
    """CSS selectors, best first."""

    article: tuple[str, ...] = (
        "[itemprop=articleBody]", "#news-bodyhtml", ".news-bodyhtml", ".bodytext", ".news-detail",
        ".detail-content", ".content-detail", ".article-content", ".article-body", ".entry-content",
        ".post-content", ".journal-content-article", ".ms-rtestate-field", ".noidung", ".noi-dung",
        ".chitiet", ".chi-tiet", "article", "main",
    )
    title: tuple[str, ...] = (
        "meta[property='og:title']", "h1", "[itemprop=headline]", ".title-detail", ".detail-title",
        ".news-title", ".article-title", ".post-title", ".entry-title", ".TitleNews", ".title-news",
        "[id$=lblTitle]", "title",
    )
    date_meta: tuple[str, ...] = (
        "meta[property='article:published_time']", "meta[itemprop=datePublished]",
        "meta[name=pubdate]", "meta[name=publishdate]", "meta[name='dc.date']", "meta[name=date]",
        "[itemprop=datePublished]", "time[datetime]",
    )
    date_text: tuple[str, ...] = (
        ".date", ".time", ".publish-date", ".post-date", ".news-date", ".ngay-dang", ".datetime",
        ".detail-time", ".meta", ".h5", "time",
    )
    lead: tuple[str, ...] = (".sapo", ".summary", ".lead", ".hometext", ".detail-sapo", ".chapeau", "h2.sapo")


# Elements that are never article text.
DROP_TAGS: tuple[str, ...] = (
    "script", "style", "noscript", "nav", "aside", "iframe", "svg", "button", "select", "input",
    "textarea", "template", "object", "embed", "canvas", "map", "footer", "label", "figcaption",
)

# Class or id words of boilerplate blocks: a substring anywhere in the class or id ...
DROP_CLASS_PARTS: tuple[str, ...] = (
    "breadcrumb", "related", "lienquan", "lien-quan", "tinkhac", "tin-khac", "other-news",
    "othernews", "comment", "binhluan", "binh-luan", "rating", "counter", "thongke", "thong-ke",
    "statistic", "sidebar", "social", "banner", "quangcao", "quang-cao", "advert", "footer",
    "copyright", "pagination", "weblink", "lienket", "lien-ket", "navbar", "topmenu", "mainmenu",
    "submenu", "megamenu",
)
# ... or a whole word of it (short words that appear inside unrelated names).
DROP_CLASS_WORDS: tuple[str, ...] = (
    "menu", "nav", "ads", "ad", "tags", "tag", "share", "print", "search", "login", "vote",
    "toolbar", "tools", "header", "widget", "modal", "popup", "hidden",
)


class Boilerplate(NamedTuple):
    """Text lines that are not article text (patterns match case-insensitively)."""

    # A line that is exactly one of these headings ends the article: what follows is lists.
    tail_headings: tuple[str, ...] = (
        "tin liên quan", "bài viết liên quan", "các tin liên quan", "tin cùng chuyên mục",
        "tin cùng loại", "những tin mới hơn", "những tin cũ hơn", "các tin khác", "tin khác",
        "tin mới nhất", "tin mới", "tin đọc nhiều", "đọc nhiều nhất", "xem thêm", "ý kiến bạn đọc",
        "gửi ý kiến", "gửi bình luận", "bình luận", "đóng góp ý kiến", "thống kê", "thống kê truy cập",
        "liên kết website", "văn bản mới", "tags", "từ khóa",
    )
    # Lines dropped wherever they are (start of line).
    line_patterns: tuple[str, ...] = (
        r"tổng số điểm của bài viết là\b",
        r"click để đánh giá bài viết",
        r"bạn đã không sử dụng site",
        r"(?:lượt xem|số lượt xem|lượt đọc)\s*:?\s*[\d.,]*$",
        (
            r"(?:đang truy cập|đang online|máy chủ tìm kiếm|khách viếng thăm|hôm nay|hôm qua|tháng hiện tại|"
            r"tuần này|tháng này|năm này|tổng lượt truy cập|tổng truy cập|lượt truy cập)\s*:?\s*[\d.,]*$"
        ),
        (
            r"(?:chia sẻ|share|in bài viết|in trang|gửi email|gửi bài viết qua email|lưu bài viết|"
            r"lên đầu trang|về trang trước|quay lại|trở về)\s*:?$"
        ),
        r"(?:cỡ chữ|font size)\s*:?",
        r"(?:từ khóa|tags|chuyên mục)\s*:",
        r"sđt nhận cung cấp thông tin$",
        r"bản quyền|©|copyright",
    )


class LoginPage(NamedTuple):
    """A sign-in page served where an article should be (expired session, members-only)."""

    title_words: tuple[str, ...] = ("đăng nhập", "login", "log in", "sign in", "xác thực")
    max_article_chars: int = 600  # a password field beside less text than this is a sign-in page


class DocumentTable(NamedTuple):
    """The metadata table of a "văn bản" (legal document) page: label cells, then values.

    Rows whose label is one of these are rendered as `label: value` lines above the text,
    where the document-field extractor reads them.  Labels as the portals print them.
    """

    labels: tuple[str, ...] = (
        "số ký hiệu", "số kí hiệu", "số hiệu", "số hiệu văn bản", "ký hiệu", "số văn bản",
        "ngày ban hành", "ngày ký", "ngày có hiệu lực", "ngày hiệu lực", "ngày đăng",
        "cơ quan ban hành", "đơn vị ban hành", "nơi ban hành", "loại văn bản", "hình thức văn bản",
        "trích yếu", "trích yếu nội dung", "tên văn bản", "người ký", "lĩnh vực", "cấp ban hành",
    )
    min_rows: int = 2  # fewer matching rows is a table in the text, not a metadata block


SELECTORS = PageSelectors()
BOILERPLATE = Boilerplate()
LOGIN = LoginPage()
DOC_TABLE = DocumentTable()
