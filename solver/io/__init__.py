"""Outputs of a run: series, fields, summary, plots, log."""
