"""The DuckDB store of documents, plans and runs, its views, exports and run-quality summary."""
