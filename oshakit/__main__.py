"""``python -m oshakit`` runs the command line."""

import sys

from oshakit.cli import main

sys.exit(main())
