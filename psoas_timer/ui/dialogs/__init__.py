"""The dialogs: safety, keyboard controls, settings and crash recovery."""
