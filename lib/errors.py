"""The few named errors that pages turn into friendly messages."""
from __future__ import annotations


class FinanceError(Exception):
    """Base class of every error the product raises on purpose."""


class ValidationError(FinanceError):
    """Input refused; `errors` maps a field name to the reason shown next to it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class ConflictError(FinanceError):
    """A write lost a race (stale version): reload and try again."""

    def __init__(self, message: str, current: object | None = None):
        super().__init__(message)
        self.current = current


class StoreUnavailableError(FinanceError):
    """The store could not be reached or refused the request."""
