"""Why the reports domain refuses to make a document; the messages are for the person who asked."""


class SignatureMissing(Exception):
    """A locked period's city report without the place or date of signature: a final edition is signed
    with the period's own date, never with the day the file happens to be made."""
