"""``python -m tensionindex``: the same as the ``tensionindex`` command."""

import sys

from tensionindex.cli import main

sys.exit(main())
