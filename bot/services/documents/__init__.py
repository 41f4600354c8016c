"""Documents: the spreadsheets offices keep, read and written."""
