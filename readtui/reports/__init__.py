"""Reports: a computed comparison or score rendered as table, markdown, CSV or JSON (no Textual)."""
