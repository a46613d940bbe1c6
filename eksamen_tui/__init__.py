"""eksamen-tui: the exam office's desk tool.

Kept free of heavy imports so that start-up stays fast: the database, Excel
and holiday calendars load only when first needed.
"""

__version__ = "0.1.0"
