"""Object operations: new folder, delete, rename, move, copy, paste, properties and share links."""
