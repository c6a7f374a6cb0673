"""Formats in and out: import, export, YAML writing, new files, JSON Schemas, git history, the demo portfolio, the
output folder's guard."""
