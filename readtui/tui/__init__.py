"""The terminal UI: the apps on one base, their screens and widgets, and the messages between them."""
