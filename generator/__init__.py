"""Portfolio as code for an IT PMO: YAML portfolio → validated model → KPIs → one static site."""

__version__ = "0.1.0"
