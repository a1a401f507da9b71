"""Pure domain logic: no I/O, no framework imports, no clock."""
