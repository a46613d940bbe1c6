"""Reading and writing spreadsheets. No Textual and no database here;
openpyxl is imported inside the functions that need it (it is slow to load)."""
