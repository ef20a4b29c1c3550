"""Path converters of the API's URLs."""


class IdConverter:
    """A database id: up to 18 digits, so that it always fits a 64-bit integer column. A longer
    one matches no route (a 404) instead of overflowing in the database (SQLite: a 500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
