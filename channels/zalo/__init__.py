"""The Zalo channel: the same bot on the Zalo Bot Platform (text, numbered options, photos)."""
