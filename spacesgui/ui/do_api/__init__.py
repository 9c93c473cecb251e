"""The DigitalOcean API in the GUI: the Spaces keys window and the CDN commands."""
