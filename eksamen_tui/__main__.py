import sys

from eksamen_tui.cli import main

sys.exit(main())
