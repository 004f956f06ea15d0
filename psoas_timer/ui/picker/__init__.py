"""Choosing a tool and placing it: the tool cards and the placement page."""
