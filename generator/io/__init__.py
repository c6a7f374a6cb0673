"""Formats in and out: import, export, the report of `pmo diff`, YAML writing, new files, JSON Schemas, git
history, the demo portfolio, the output folder's guard."""
