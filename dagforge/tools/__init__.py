"""Developer tools over expanded configs: render, diff, migrate, the callables registry."""
