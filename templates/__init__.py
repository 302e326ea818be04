"""Jinja2 Markdown templates of the documents cmmh exports."""
