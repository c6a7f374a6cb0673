"""The handbook: methodology Markdown with markers expanded from the portfolio (roles, tasks, templates, registers,
lessons, glossary)."""
