"""Why the survey domain refuses a write; the messages are for the person who tried it."""


class PeriodLocked(Exception):
    """The period does not accept this now: it is locked (its responses and report are final) or not open."""


class SubmissionRefused(Exception):
    """A questionnaire that will never be stored as it is (e.g. its filling time)."""
