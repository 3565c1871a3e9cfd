"""Methods as adapters: the API third parties implement, the registry, and the built-in sanity rows."""
