"""``python -m bot``, as the README has always said: the ``thidua`` command."""

from thidua.cli import main

raise SystemExit(main())
