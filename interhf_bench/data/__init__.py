"""The dataset format: manifest schema, loading, validation and split selection."""
