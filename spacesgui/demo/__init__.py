"""The embedded demo (`spacesgui --demo`): moto's S3 server in-process, with sample Spaces.

`server` is the entry point (DemoServer, demo_account, DEMO_CREDENTIALS). `samples` and
`images` make the small Spaces, `big_space` the 100,000-key one, and `sorted_store` with
`fast_listing` keep listing that one fast. Nothing here imports Qt; importing this package
imports nothing else (moto loads only when `server` is imported).
"""
