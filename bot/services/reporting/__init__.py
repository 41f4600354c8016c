"""Reporting: a person's drafts, submissions with their versions, the office's review and its
own drafts, and the Excel export."""
