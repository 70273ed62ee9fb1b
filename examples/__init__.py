"""Runnable examples of the client against the mock."""
