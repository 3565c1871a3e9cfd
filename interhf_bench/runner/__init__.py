"""Running a method over a protocol's cases: selection, generation with resume, sharding, results."""
