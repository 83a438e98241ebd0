"""Allow ``python -m jextui``."""

from jextui.cli import main

raise SystemExit(main())
