"""Object operations: delete, rename, move, copy and paste (and, beside them, folders, properties, links)."""
