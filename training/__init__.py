"""Training scripts for the learned components (dev-only: not shipped in the wheel)."""
