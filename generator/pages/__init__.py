"""Analysis → Markdown and HTML, one module per page; no I/O."""
