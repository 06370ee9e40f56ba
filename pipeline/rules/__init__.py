"""Stage 3: the rules of branch work, their settings, and the findings they give."""
