"""The bundle's entry point (PyInstaller runs this file; the package is imported as usual)."""

import sys

from spacesgui.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
