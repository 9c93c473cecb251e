"""Find in Space: the recursive search panel."""
