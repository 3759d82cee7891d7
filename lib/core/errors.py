"""The few named errors that pages turn into friendly messages."""
from __future__ import annotations


class FinanceError(Exception):
    """Base class of every error the product raises on purpose."""


class ValidationError(FinanceError):
    """Input refused; `errors` maps a field name to the reason shown next to it."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class TooLargeError(ValidationError):
    """Input refused for its size (HTTP 413): the store or a limit of ours would not take it."""


class ConflictError(FinanceError):
    """A write lost a race (stale version): `current` is what is stored now (None: it is gone)."""

    def __init__(self, message: str, current: object | None = None):
        super().__init__(message)
        self.current = current


class StoreUnavailableError(FinanceError):
    """The store could not be reached or refused the request."""


class PartialWriteError(StoreUnavailableError):
    """A many-item write stopped midway: exactly `written` of `total` items are confirmed done.

    `unconfirmed` items were sent but no answer came back (they may or may not be done).
    Every such write is safe to repeat: running the same action again finishes the job.
    """

    def __init__(self, message: str, *, written: int, total: int, unconfirmed: int = 0, action: str = "write"):
        super().__init__(message)
        self.written = written
        self.total = total
        self.unconfirmed = unconfirmed
        self.action = action

    @property
    def remaining(self) -> int:
        """Items that are certainly not done yet."""
        return self.total - self.written - self.unconfirmed
