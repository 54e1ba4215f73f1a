def query_text(request, name: str) -> str:
    """A query parameter as plain text: stripped, and without NUL characters, which no name
    contains and PostgreSQL cannot store or compare."""
    return request.GET.get(name, "").replace("\x00", "").strip()
