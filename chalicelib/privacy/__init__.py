"""Personal data: field encryption, blind indexes, masking."""
