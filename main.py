"""After-sales network control center: parse the command line and hand over to app.cli."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
