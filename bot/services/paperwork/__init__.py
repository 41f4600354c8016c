"""The document of each submission (.docx), ready to print and sign: docs/documents.md."""
