"""One branch's outputs written into its folder, edits kept."""
