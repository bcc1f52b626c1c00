"""Scoring and showing records: the scorer, the accuracy gate, reports, explain, comparisons, Label Studio."""
