"""Two drafts or two years compared (差异报告)."""
