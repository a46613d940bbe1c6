"""Errors the domain raises; each carries a message fit to show a clerk."""


class DomainError(ValueError):
    """A rule refused an action. The message is in bokmål, for the clerk."""


class ValidationError(DomainError):
    """Input that does not fit (a grade outside the scale, a bad date ...)."""

    def __init__(self, message: str, *, field: str | None = None, where: str | None = None):
        self.field = field
        self.where = where
        super().__init__(message)
