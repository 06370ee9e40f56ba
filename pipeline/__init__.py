"""Party-branch report pipeline: ledgers (台账) -> metrics -> rule checks -> Word report."""

__version__ = "0.1.0"
