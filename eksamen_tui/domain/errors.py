"""Errors the domain raises; each carries a message fit to show a clerk."""


class DomainError(ValueError):
    """A rule refused an action. The message is in bokmål, for the clerk."""


class ValidationError(DomainError):
    """Input that does not fit (a grade outside the scale, a bad date ...)."""

    def __init__(self, message: str, *, field: str | None = None, where: str | None = None):
        self.field = field
        self.where = where
        super().__init__(message)


class ChangedMeanwhile(DomainError):
    """A write refused because the stored value is no longer what the
    clerk's screen showed: someone else changed it in between. Nothing was
    written. Carries what is stored now, who stored it and when, so the
    desk can say so and show the stored value.

    `current` is the stored value (None for empty), `by` the clerk,
    `at` a datetime (either may be None when unknown)."""

    def __init__(self, message: str, *, current=None, by: str | None = None, at=None,
                 registration_id: int | None = None):
        self.current = current
        self.by = by
        self.at = at
        self.registration_id = registration_id
        super().__init__(message)
