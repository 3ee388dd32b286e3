"""Running untrusted code: the runner port and its adapters (bubblewrap locally)."""
