"""The adapter to MkDocs and Material: the only package that imports mkdocs, material, jinja2 or mike (with cli)."""
