"""Show Versions: the versions and delete markers of a file or folder in a versioned Space."""
