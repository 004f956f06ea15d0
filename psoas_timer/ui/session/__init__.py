"""The session screen: a view of the running session engine."""
