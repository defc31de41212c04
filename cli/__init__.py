"""The `goals` command line."""
