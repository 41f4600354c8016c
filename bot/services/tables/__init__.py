"""A form's table filled from the unit's own spreadsheet: the template to download
(:mod:`.template`), and the file or pasted rows read and checked cell by cell (:mod:`.intake`)."""
