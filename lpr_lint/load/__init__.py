"""Reading inputs: bytes and encodings, the JSON and YAML parsers with positions, and the data
files that ship with lpr-lint."""
