"""What can go wrong with a whole source file: each error aborts the source with a French message and
leaves everything published as it was."""


class SourceError(Exception):
    """A whole-file problem: the source is aborted with this (French) message, nothing is written."""


class NetworkError(SourceError):
    """The source could not be downloaded (timeout, refused connection, HTTP error): worth retrying."""


class MissingRawFile(SourceError):
    """The raw cache does not hold the file an import needs."""


class FormatDrift(SourceError):
    """The publisher changed its format: a required field is missing from the file.

    The message names the field, the fields found that look closest, and the source's documentation,
    which is what an operator needs to adapt the importer (the "format drift report").
    """

    def __init__(self, message, *, missing=(), closest=(), documentation=""):
        super().__init__(message)
        self.missing = tuple(missing)
        self.closest = tuple(closest)
        self.documentation = documentation
