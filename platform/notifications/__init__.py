"""Notifications: one row per recipient, rendered in the reader's language when read."""
