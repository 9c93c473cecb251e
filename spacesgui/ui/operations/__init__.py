"""Object operation widgets: New Folder, Properties, Share, and the actions that open them."""
