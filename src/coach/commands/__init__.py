"""Subcommands of the `coach` command, one module per group; cli.py registers them."""
