"""Scripts that write small random weights where each official loader reads them. They run in the
method's own environment inside a copy of its checkout (``runner.write_weights``) and are never imported
here; this file only makes them part of the installed package."""
