"""述职评议 after a many-branch run: 测评表, 点评提纲, 三张清单, 测评结果 and 评议结果 (docs/述职评议.md)."""
