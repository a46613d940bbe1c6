"""The rules of the trade: pure Python, no Textual, no database."""
