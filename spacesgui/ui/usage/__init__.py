"""Space Usage: where the bytes of a Space or folder go (tree with share bars, treemap)."""
