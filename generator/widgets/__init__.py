"""The pieces every renderer writes with: the escape-by-default HTML builder (markup), Markdown helpers (md),
marked blocks, number formats (fmt), data text (text). No pipeline stage of its own."""
