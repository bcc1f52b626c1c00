"""The watched-sources file: which portals to read, and how to find their articles.

```yaml
sources:
  - name: Sở TT&TT Hà Giang            # the publisher, stored with every record it yields
    province: Hà Giang                 # the publisher's province (metadata only)
    listings: [https://stttt.hagiang.gov.vn/tin-tuc]
    feeds: [https://stttt.hagiang.gov.vn/rss/tin-tuc.rss]
    sitemaps: [https://stttt.hagiang.gov.vn/sitemap.xml]
    articles:                          # on listing pages: links under `css`, matching `pattern`
      css: ".news-list h3 a"
      pattern: "/tin-tuc/.+\\.html$"   # also filters feed and sitemap links
    max_articles: 50                   # newest first, per run
```
Loaded through pydantic with unknown keys refused, so a typo fails in one line naming
the file and the field rather than silently watching nothing.
"""

from __future__ import annotations

from pathlib import Path

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.errors import ChitieuError


class SourcesError(ChitieuError):
    """The sources file cannot be read or is not valid."""


class ArticleLinks(BaseModel):
    """How to tell an article link from the rest of a listing page."""

    model_config = ConfigDict(extra="forbid")
    css: str | None = None
    pattern: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                regex.compile(v)
            except regex.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from exc
        return v


class WebSource(BaseModel):
    """One publisher and the pages that list its new documents."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    province: str | None = None
    listings: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    articles: ArticleLinks = Field(default_factory=ArticleLinks)
    max_articles: int = Field(default=50, ge=1)

    @field_validator("listings", "feeds", "sitemaps")
    @classmethod
    def _http(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.lower().startswith(("http://", "https://")):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return urls


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sources: list[WebSource] = Field(min_length=1)


def load_sources(path: Path) -> list[WebSource]:
    """The sources of a YAML file; SourcesError names the file and the first problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourcesError(f"{path}: cannot read sources: {' '.join(str(exc).split())[:200]}") from exc
    try:
        return SourcesFile.model_validate(data).sources
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise SourcesError(f"{path}: {where}: {err['msg']}") from exc
