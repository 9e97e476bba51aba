"""CLI commands, one module per area; each registers itself on :data:`kjyd.app.app`."""
