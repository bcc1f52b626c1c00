"""The web as an input: fetch pages politely, keep their bytes, extract them like files.

One module per job: `fetch` (the HTTP client and its politeness), `robots`, `sniff`
(media type and charset of what came back), `raw` (fetched bytes by sha256), `links`
(attachments and article links on a page), `feeds` (RSS/Atom and sitemaps), `sources`
(the watched-sources file), `urls` (URLs to documents), `watch` (what is new or changed).
"""
