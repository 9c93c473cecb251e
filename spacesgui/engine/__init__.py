"""The transfer engine: runs in the transfer process; imports only the core."""
