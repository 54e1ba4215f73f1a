"""Web forms. Each turns what the person typed into the dataclass a service takes; services
validate against the database and their errors are shown next to the matching field."""
