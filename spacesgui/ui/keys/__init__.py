"""The keys manager: every account, its keys and where its secret is."""
